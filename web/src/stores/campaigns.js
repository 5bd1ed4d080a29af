import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { usePagedList } from '@/composables/usePagedList'
import * as campaignsApi from '@/api/campaigns'

export const POLL_INTERVAL_MS = 2000

/** A campaign is still changing while it runs, or while its sent rows have not all reached a final status. */
export function isLive(campaign) {
  if (!campaign || campaign.state === 'draft') return false
  if (campaign.state === 'running') return true
  const p = campaign.progress
  return !!p && p.queued > p.finished
}

/** Share of the valid rows that reached a final status (0–100). */
export function percentDone(campaign) {
  const valid = campaign?.rows?.valid ?? 0
  if (!valid) return campaign?.state === 'completed' ? 100 : 0
  return Math.min(100, Math.round(((campaign.progress?.finished ?? 0) * 100) / valid))
}

/**
 * The Campaigns page: the list, the campaign on screen with its live counts (polled while it changes), its rows, and
 * the report of the last upload (kept for fix-and-reupload: the next upload replaces the draft).
 */
export const useCampaignsStore = defineStore('campaigns', () => {
  const page = ref(1)
  const list = usePagedList(() => campaignsApi.list({ page: page.value, perPage: 10 }))
  const current = ref(null)
  const report = ref(null)
  const rowsShow = ref('all')
  const rowsPage = ref(1)
  const rowList = usePagedList(() => campaignsApi.rows(current.value.id, { page: rowsPage.value, perPage: 20, show: rowsShow.value }))
  const rows = { load: () => rowList.load() }
  let timer = null
  let active = false

  const live = computed(() => isLive(current.value))

  async function open(id) {
    current.value = await campaignsApi.get(id)
    rowsPage.value = 1
    await rows.load()
    schedule()
  }

  async function refresh() {
    if (!current.value) return
    const id = current.value.id
    const fresh = await campaignsApi.get(id)
    if (current.value?.id !== id) return
    current.value = fresh
    await rows.load()
  }

  function schedule() {
    clearTimeout(timer)
    timer = null
    if (active && live.value) {
      timer = setTimeout(async () => {
        try {
          await refresh()
        } finally {
          schedule()
        }
      }, POLL_INTERVAL_MS)
    }
  }

  /** After an upload: the new draft and its report. A draft it replaces (fix-and-reupload) is deleted. */
  async function uploaded(result, { replaces } = {}) {
    if (replaces && replaces !== result.campaign.id) {
      try {
        await campaignsApi.remove(replaces)
      } catch {
        /* already started or gone: it stays in the list */
      }
    }
    report.value = result.report
    current.value = result.campaign
    rowsShow.value = result.campaign.rows.problems > 0 ? 'problems' : 'all'
    rowsPage.value = 1
    await Promise.all([rows.load(), list.load()])
  }

  async function start() {
    const res = await campaignsApi.start(current.value.id)
    current.value = res.data
    report.value = null
    schedule()
    list.load()
    return res
  }

  async function cancel() {
    const res = await campaignsApi.cancel(current.value.id)
    current.value = res.data.campaign
    await rows.load()
    schedule()
    list.load()
    return res
  }

  function showRows(show) {
    rowsShow.value = show
    rowsPage.value = 1
    return rows.load()
  }

  function rowsGoTo(n) {
    rowsPage.value = n
    return rows.load()
  }

  function activate() {
    active = true
    schedule()
  }

  function deactivate() {
    active = false
    clearTimeout(timer)
    timer = null
  }

  function close() {
    current.value = null
    report.value = null
  }

  const fetch = () => list.load()

  return {
    page,
    items: list.items,
    pagination: list.pagination,
    loading: list.loading,
    error: list.error,
    loaded: list.loaded,
    fetch,
    current,
    report,
    rows: rowList.items,
    rowsPagination: rowList.pagination,
    rowsLoading: rowList.loading,
    rowsShow,
    rowsPage,
    live,
    open,
    refresh,
    uploaded,
    start,
    cancel,
    showRows,
    rowsGoTo,
    activate,
    deactivate,
    close,
  }
})
