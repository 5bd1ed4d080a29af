import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { POLL_INTERVAL_MS, useRecentMessagesStore } from './recentMessages'
import { configureClient } from '@/api/client'
import { ok, stubFetch } from '@/test/helpers'

const row = (id, status, created_at = new Date().toISOString()) => ({ id, status, to_number: '+1555', created_at })

describe('recent messages store (status polling)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    configureClient({ getCredential: () => ({ kind: 'api_key', value: 'k' }) })
  })
  afterEach(() => vi.useRealTimers())

  it('polls while a row is not final and stops once every row is final', async () => {
    const answers = [[row(1, 'queued'), row(2, 'delivered')], [row(1, 'sent'), row(2, 'delivered')], [row(1, 'delivered'), row(2, 'delivered')]]
    let n = 0
    const { fn } = stubFetch({ 'GET /api/communication/history': () => ok(answers[Math.min(n++, answers.length - 1)]) })
    const store = useRecentMessagesStore('sms')

    await store.start()
    expect(fn.mock.calls[0][0]).toContain('type=sms')
    expect(fn.mock.calls[0][0]).toContain('direction=outbound')
    expect(store.hasPending).toBe(true)

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
    expect(fn).toHaveBeenCalledTimes(2)
    expect(store.items[0].status).toBe('sent')

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
    expect(fn).toHaveBeenCalledTimes(3)
    expect(store.hasPending).toBe(false)

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5)
    expect(fn).toHaveBeenCalledTimes(3) // no more polling
    store.stop()
  })

  it('does not wait for scheduled messages or for old rows stuck in "sent"', async () => {
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString()
    const { fn } = stubFetch({ 'GET /api/communication/history': ok([row(1, 'scheduled'), row(2, 'sent', old)]) })
    const store = useRecentMessagesStore('sms')
    await store.start()
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3)
    expect(fn).toHaveBeenCalledTimes(1)
    store.stop()
  })

  it('shows a just-sent message at once and starts polling for it', async () => {
    const { fn } = stubFetch({ 'GET /api/communication/history': ok([]) })
    const store = useRecentMessagesStore('sms')
    await store.start()
    store.addSent({ id: 'm9', status: 'queued', to: '+15550001', segments: 1 })
    expect(store.items[0]).toMatchObject({ id: 'm9', status: 'queued', to_number: '+15550001' })
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
    expect(fn).toHaveBeenCalledTimes(2)
    store.stop()
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3)
    expect(fn).toHaveBeenCalledTimes(2) // stopped when the page is left
  })
})
