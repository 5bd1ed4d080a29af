import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as filesApi from '@/api/files'

export const useFilesStore = defineStore('files', () => {
  const items = ref([])
  const pagination = ref(null)
  const loading = ref(false)
  const error = ref(null)
  const filters = ref({ search: '', fileType: '', tag: '' })
  const page = ref(1)
  const perPage = ref(20)
  const quota = ref(null)

  let requestSeq = 0
  async function fetch() {
    const seq = ++requestSeq
    loading.value = true
    error.value = null
    try {
      const res = await filesApi.list({ page: page.value, perPage: perPage.value, ...filters.value })
      if (seq !== requestSeq) return
      items.value = res.items
      pagination.value = res.pagination
    } catch (e) {
      if (seq === requestSeq) error.value = e
    } finally {
      if (seq === requestSeq) loading.value = false
    }
  }

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
