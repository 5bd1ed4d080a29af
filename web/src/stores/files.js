import { defineStore } from 'pinia'
import { ref } from 'vue'
import { usePagedList } from '@/composables/usePagedList'
import * as filesApi from '@/api/files'

export const useFilesStore = defineStore('files', () => {
  const filters = ref({ search: '', fileType: '', tag: '' })
  const page = ref(1)
  const perPage = ref(20)
  const quota = ref(null)

  const list = usePagedList(() => filesApi.list({ page: page.value, perPage: perPage.value, ...filters.value }))
  const { items, pagination, loading, error } = list
  const fetch = () => list.load()

  async function fetchQuota() {
    try {
      quota.value = await filesApi.quota()
    } catch {
      quota.value = null // the quota bar hides itself; the list still works
    }
  }

  function added(file) {
    if (file && !items.value.some((f) => f.id === file.id)) items.value.unshift(file)
    // A list request still in flight from before the upload would overwrite the row: supersede it.
    if (loading.value) fetch()
    fetchQuota()
  }

  async function update(id, changes) {
    const saved = await filesApi.update(id, changes)
    const i = items.value.findIndex((f) => f.id === id)
    if (i >= 0) items.value.splice(i, 1, saved ?? { ...items.value[i], ...changes })
    return saved
  }

  async function remove(id) {
    await filesApi.remove(id)
    items.value = items.value.filter((f) => f.id !== id)
    fetchQuota()
  }

  return { items, pagination, loading, error, filters, page, perPage, quota, fetch, fetchQuota, added, update, remove }
})
