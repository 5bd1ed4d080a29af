import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as voiceApi from '@/api/voiceMessages'

export const useVoiceMessagesStore = defineStore('voiceMessages', () => {
  const items = ref([])
  const pagination = ref(null)
  const loading = ref(false)
  const error = ref(null)
  const filters = ref({ search: '', voiceType: '', isActive: '' })
  const page = ref(1)
  const perPage = ref(12)
  const options = ref(null)

  let requestSeq = 0
  async function fetch() {
    const seq = ++requestSeq
    loading.value = true
    error.value = null
    try {
      const res = await voiceApi.list({ page: page.value, perPage: perPage.value, ...filters.value })
      if (seq !== requestSeq) return // a newer search answered first
      items.value = res.items
      pagination.value = res.pagination
    } catch (e) {
      if (seq === requestSeq) error.value = e
    } finally {
      if (seq === requestSeq) loading.value = false
    }
  }

  async function loadOptions() {
    if (!options.value) options.value = await voiceApi.options()
    return options.value
  }

  async function save(message) {
    const saved = message.id ? await voiceApi.update(message.id, message) : await voiceApi.create(message)
    const i = items.value.findIndex((m) => m.id === saved.id)
    if (i >= 0) items.value.splice(i, 1, saved)
    else items.value.unshift(saved)
    return saved
  }

  async function duplicate(id) {
    const copy = await voiceApi.duplicate(id)
    const i = items.value.findIndex((m) => m.id === id)
    items.value.splice(i >= 0 ? i + 1 : 0, 0, copy)
    return copy
  }

  async function remove(id) {
    await voiceApi.remove(id)
    items.value = items.value.filter((m) => m.id !== id)
    if (pagination.value) pagination.value = { ...pagination.value, total_items: Math.max(0, pagination.value.total_items - 1) }
  }

  return { items, pagination, loading, error, filters, page, perPage, options, fetch, loadOptions, save, duplicate, remove }
})
