import { api, asPage } from './client'

/** Filters as the history endpoint names them. */
export function historyQuery({ page, perPage, type, direction, status, to, from, dateFrom, dateTo, q } = {}) {
  return { page, per_page: perPage, type, direction, status, to, from, date_from: dateFrom, date_to: dateTo, q }
}

export async function history(filters = {}, options = {}) {
  return asPage(await api.get('/communication/history', { query: historyQuery(filters), ...options }))
}

/** One message or call with its `events` (status timeline). */
export async function get(id) {
  return (await api.get(`/communication/history/${encodeURIComponent(id)}`)).data
}

/** The filtered history as CSV: `{blob, filename}`. */
export async function exportCsv(filters = {}) {
  const query = { ...historyQuery(filters), page: undefined, per_page: undefined, format: 'csv' }
  return api.get('/communication/history', { query, responseType: 'blob', action: 'export the history' })
}
