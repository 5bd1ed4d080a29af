import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as communicationApi from '@/api/communication'
import { isFinalStatus } from '@/lib/status'

export const POLL_INTERVAL_MS = 4000
// A row that is still "sent" after this long may never get a delivery receipt: stop waiting for it.
const PENDING_WINDOW_MS = 30 * 60 * 1000

/**
 * Recent outbound messages (or calls) of the SMS page; statuses refresh by polling while any row is not final.
 * One store per channel: useRecentMessagesStore('sms').
 */
export function useRecentMessagesStore(type = 'sms') {
  return defineStore(`recent-${type}`, () => {
    const items = ref([])
    const loading = ref(false)
    const error = ref(null)
    const loaded = ref(false)
    let timer = null
    let active = false

    const hasPending = computed(() =>
      items.value.some((row) => {
        if (isFinalStatus(row.status) || row.status === 'scheduled') return false
        const t = Date.parse(row.created_at)
        return Number.isNaN(t) || Date.now() - t < PENDING_WINDOW_MS
      }),
    )

    async function fetch({ quiet = false } = {}) {
      if (!quiet) loading.value = true
      try {
        const res = await communicationApi.history({ type, direction: 'outbound', page: 1, perPage: 10 })
        items.value = res.items
        error.value = null
        loaded.value = true
      } catch (e) {
        error.value = e
      } finally {
        loading.value = false
        schedule()
      }
    }

    function schedule() {
      clearTimeout(timer)
      timer = null
      if (active && hasPending.value) timer = setTimeout(() => fetch({ quiet: true }), POLL_INTERVAL_MS)
    }

    /** Show a message that was just sent at the top at once, then refresh from the server. */
    function addSent(result, extra = {}) {
      const row = {
        id: result.id,
        network_type: type,
        direction: 'outbound',
        to_number: result.to,
        status: result.status,
        segments: result.segments,
        created_at: new Date().toISOString(),
        ...extra,
      }
      items.value = [row, ...items.value.filter((r) => r.id !== row.id)].slice(0, 10)
      schedule()
    }

    function start() {
      active = true
      return fetch()
    }

    function stop() {
      active = false
      clearTimeout(timer)
      timer = null
    }

    return { items, loading, error, loaded, hasPending, fetch, start, stop, addSent }
  })()
}
