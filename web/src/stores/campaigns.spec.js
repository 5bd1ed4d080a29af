import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { POLL_INTERVAL_MS, isLive, percentDone, useCampaignsStore } from './campaigns'
import { configureClient } from '@/api/client'
import { ok, stubFetch } from '@/test/helpers'

const campaign = (id, state, progress = {}, rows = { total: 3, valid: 2, problems: 1 }) => ({
  id,
  state,
  rows,
  progress: { waiting: 0, queued: 0, finished: 0, succeeded: 0, failed: 0, by_status: {}, ...progress },
})

describe('campaign progress', () => {
  it('is live while running, and after that until every sent row is final', () => {
    expect(isLive(campaign(1, 'draft'))).toBe(false)
    expect(isLive(campaign(1, 'running'))).toBe(true)
    expect(isLive(campaign(1, 'completed', { queued: 2, finished: 1 }))).toBe(true)
    expect(isLive(campaign(1, 'completed', { queued: 2, finished: 2 }))).toBe(false)
    expect(isLive(campaign(1, 'cancelled', { queued: 1, finished: 1, waiting: 5 }))).toBe(false)
  })

  it('counts the finished share of the rows that will be sent', () => {
    expect(percentDone(campaign(1, 'running', { finished: 1 }))).toBe(50)
    expect(percentDone(campaign(1, 'completed', {}, { total: 1, valid: 0, problems: 1 }))).toBe(100)
    expect(percentDone(null)).toBe(0)
  })
})

describe('campaigns store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    configureClient({ getCredential: () => ({ kind: 'api_key', value: 'k' }) })
  })
  afterEach(() => vi.useRealTimers())

  it('shows the problems of a new upload first and deletes the draft it replaces', async () => {
    const { calls } = stubFetch({
      'DELETE /api/campaigns/7': ok({ id: 7 }),
      'GET /api/campaigns/8/rows': ok([{ line: 3, outcome: 'refused' }]),
      'GET /api/campaigns': ok([campaign(8, 'draft')]),
    })
    const store = useCampaignsStore()

    await store.uploaded({ campaign: campaign(8, 'draft'), report: { preview: [], problems: [] } }, { replaces: 7 })

    expect(calls.map((c) => `${c.method} ${c.url.split('?')[0]}`)).toContain('DELETE /api/campaigns/7')
    expect(calls.find((c) => c.url.startsWith('/api/campaigns/8/rows')).url).toContain('show=problems')
    expect(store.current.id).toBe(8)
    expect(store.rows).toEqual([{ line: 3, outcome: 'refused' }])
  })

  it('polls the counts while the campaign runs and stops once it is done', async () => {
    const answers = [campaign(5, 'running', { queued: 2, finished: 1 }), campaign(5, 'completed', { queued: 2, finished: 2 })]
    let n = 0
    const { fn } = stubFetch({
      'POST /api/campaigns/5/start': ok(campaign(5, 'running', { queued: 0 })),
      'GET /api/campaigns/5': () => ok(answers[Math.min(n++, answers.length - 1)]),
      'GET /api/campaigns/5/rows': ok([]),
      'GET /api/campaigns': ok([]),
    })
    const store = useCampaignsStore()
    store.current = campaign(5, 'draft')
    store.activate()

    await store.start()
    expect(store.live).toBe(true)
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
    expect(store.current.progress.finished).toBe(1)
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
    expect(store.current.state).toBe('completed')
    const calls = fn.mock.calls.length
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5)
    expect(fn.mock.calls.length).toBe(calls) // nothing left to follow
    store.deactivate()
  })
})
