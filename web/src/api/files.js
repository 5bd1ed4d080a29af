import { api, asPage, upload as uploadMultipart } from './client'

const base = '/files'

export async function list({ page, perPage, fileType, tag, search } = {}) {
  return asPage(await api.get(base, { query: { page, per_page: perPage, file_type: fileType, tag, search } }))
}

/**
 * Upload one audio file with progress.
 * @param {File} file
 * @param {{description?:string, tags?:string[]|string, callerNumber?:string}} meta
 * @param {{onProgress?: (p:{loaded:number,total:number,percent:number}) => void}} [options]
 * @returns {{promise: Promise<{data:any}>, abort: () => void}}
 */
export function upload(file, { description, tags, callerNumber } = {}, { onProgress } = {}) {
  const form = new FormData()
  form.append('file', file, file.name)
  if (description) form.append('description', description)
  const tagList = Array.isArray(tags) ? tags.join(',') : (tags ?? '')
  if (tagList) form.append('tag_list', tagList)
  if (callerNumber) form.append('caller_number', callerNumber)
  return uploadMultipart(`${base}/upload`, form, { onProgress, action: 'upload files' })
}

export async function update(id, { description, tag_list, caller_number, is_active }) {
  return (
    await api.put(`${base}/${encodeURIComponent(id)}`, { description, tag_list, caller_number, is_active }, { action: 'edit files' })
  ).data
}

export async function remove(id) {
  await api.delete(`${base}/${encodeURIComponent(id)}`, { action: 'delete files' })
}

/** A short-lived signed URL an `<audio src>` can use (it cannot send headers): `{url, expires_at}`. */
export async function playUrl(id) {
  return (await api.post(`${base}/${encodeURIComponent(id)}/play-url`)).data
}

export async function download(id) {
  return api.get(`${base}/${encodeURIComponent(id)}/download`, { responseType: 'blob', action: 'download files' })
}

/** `{used_bytes, quota_bytes, remaining_bytes}` */
export async function quota() {
  return (await api.get(`${base}/quota`)).data
}
