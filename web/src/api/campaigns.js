import { api, asPage, upload as uploadMultipart } from './client'

const base = '/campaigns'

/** The tenant's campaigns, newest first. */
export async function list({ page, perPage, state } = {}) {
  return asPage(await api.get(base, { query: { page, per_page: perPage, state } }))
}

export async function get(id) {
  return (await api.get(`${base}/${encodeURIComponent(id)}`)).data
}

/**
 * Upload a spreadsheet: every row is checked, nothing is sent. Answers `{campaign, report: {preview, problems, separator}}`.
 * @returns {{promise: Promise<{data:any, message?:string}>, abort: () => void}}
 */
export function create(file, { name, message, sendAt } = {}, { onProgress } = {}) {
  const form = new FormData()
  form.append('file', file, file.name)
  form.append('name', name ?? '')
  form.append('message', message ?? '')
  if (sendAt) form.append('send_at', sendAt)
  return uploadMultipart(base, form, { onProgress, action: 'send campaigns' })
}

export async function rows(id, { page, perPage, show, q } = {}) {
  return asPage(await api.get(`${base}/${encodeURIComponent(id)}/rows`, { query: { page, per_page: perPage, show, q } }))
}

export async function start(id) {
  return api.post(`${base}/${encodeURIComponent(id)}/start`, undefined, { action: 'send campaigns' })
}

export async function cancel(id) {
  return api.post(`${base}/${encodeURIComponent(id)}/cancel`, undefined, { action: 'send campaigns' })
}

export async function remove(id) {
  await api.delete(`${base}/${encodeURIComponent(id)}`, { action: 'send campaigns' })
}

/** Every row of the campaign with its outcome, as CSV: `{blob, filename}`. */
export async function exportRows(id, { show } = {}) {
  return api.get(`${base}/${encodeURIComponent(id)}/rows`, { query: { show, format: 'csv' }, responseType: 'blob', action: 'export campaigns' })
}
