import { defineStore } from 'pinia'
import { ref } from 'vue'
import { usePagedList } from '@/composables/usePagedList'
import * as voiceApi from '@/api/voiceMessages'

export const useVoiceMessagesStore = defineStore('voiceMessages', () => {
  const filters = ref({ search: '', voiceType: '', isActive: '' })
  const page = ref(1)
  const perPage = ref(12)
  const options = ref(null)

  const list = usePagedList(() => voiceApi.list({ page: page.value, perPage: perPage.value, ...filters.value }))
  const { items, pagination, loading, error } = list
  const fetch = () => list.load()

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
