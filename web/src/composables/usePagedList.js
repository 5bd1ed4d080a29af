import { ref } from 'vue'

/** Loading state for one paged list; a newer load wins over a slower older one. */
export function usePagedList(loader) {
  const items = ref([])
  const pagination = ref(null)
  const loading = ref(false)
  const error = ref(null)
  const loaded = ref(false)
  let seq = 0

  async function load(params) {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const res = await loader(params)
      if (mine !== seq) return
      items.value = res.items
      pagination.value = res.pagination
      loaded.value = true
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return { items, pagination, loading, error, loaded, load }
}
