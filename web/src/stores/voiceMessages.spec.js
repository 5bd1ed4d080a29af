import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useVoiceMessagesStore } from './voiceMessages'
import { configureClient } from '@/api/client'
import { ok, stubFetch } from '@/test/helpers'

describe('voice messages store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureClient({ getCredential: () => ({ kind: 'api_key', value: 'k' }) })
  })

  it('lists with filters, then keeps the list in step with create, duplicate and delete', async () => {
    const { calls } = stubFetch({
      'GET /api/voice-messages': ok([{ id: 1, name: 'A' }, { id: 2, name: 'B' }], {
        pagination: { page: 1, per_page: 12, total_items: 2, total_pages: 1, has_next: false, has_prev: false },
      }),
      'POST /api/voice-messages': ok({ id: 3, name: 'C' }),
      'POST /api/voice-messages/1/duplicate': ok({ id: 4, name: 'A (copy)' }),
      'DELETE /api/voice-messages/2': ok(null),
    })
    const store = useVoiceMessagesStore()
    store.filters.voiceType = 'reminder'
    await store.fetch()
    expect(calls[0].url).toContain('voice_type=reminder')
    expect(store.items.map((m) => m.id)).toEqual([1, 2])

    await store.save({ name: 'C', voice_text: 'x' })
    expect(store.items.map((m) => m.id)).toEqual([3, 1, 2])

    await store.duplicate(1)
    expect(store.items.map((m) => m.id)).toEqual([3, 1, 4, 2])

    await store.remove(2)
    expect(store.items.map((m) => m.id)).toEqual([3, 1, 4])
    expect(store.pagination.total_items).toBe(1)
  })

  it('updates an existing message in place with PUT', async () => {
    const { calls } = stubFetch({
      'GET /api/voice-messages': ok([{ id: 1, name: 'Old' }]),
      'PUT /api/voice-messages/1': ok({ id: 1, name: 'New' }),
    })
    const store = useVoiceMessagesStore()
    await store.fetch()
    await store.save({ id: 1, name: 'New' })
    expect(calls[1].method).toBe('PUT')
    expect(store.items).toEqual([{ id: 1, name: 'New' }])
  })
})
