// The one place that talks HTTP to App: attaches the tab's credential as a header (never cookies), unwraps the
// `{success, data, message, pagination}` envelope and turns every failure into an ApiError.
import { credentialHeaders } from '@/lib/credentials'

export const API_BASE = '/api'

export class ApiError extends Error {
  /**
   * @param {{status:number, code:string, message:string, details?:any}} init
   */
  constructor({ status, code, message, details = null }) {
    super(message || 'Request failed')
    this.name = 'ApiError'
    this.status = status
    this.code = code || 'HTTP_ERROR'
    this.details = details ?? null
    /** true once a central handler (401 screen, 403 toast) has told the user */
    this.handled = false
  }

  /** Validation messages for the given snake_case field (also matches `field.sub` and `field[0]` keys). */
  fieldErrors(field) {
    return fieldErrors(this, field)
  }

  get correlationId() {
    return (this.details && typeof this.details === 'object' && this.details.correlation_id) || null
  }
}

export function isApiError(e) {
  return e instanceof ApiError
}

/** Messages of a VALIDATION_ERROR for one field, from `details: {field: ["message", ...]}`. */
export function fieldErrors(error, field) {
  if (!error || error.code !== 'VALIDATION_ERROR' || !error.details || typeof error.details !== 'object') return []
  const out = []
  for (const [key, value] of Object.entries(error.details)) {
    const k = key.replace(/^\$\./, '')
    if (k === field || k.startsWith(field + '.') || k.startsWith(field + '[')) {
      if (Array.isArray(value)) out.push(...value.map(String))
      else if (value != null) out.push(String(value))
    }
  }
  return out
}

const hooks = {
  getCredential: () => null,
  onUnauthorized: () => {},
  onForbidden: () => {},
}

/** Wire the client to the auth store (main.js) or to stubs (tests). */
export function configureClient(options) {
  Object.assign(hooks, options)
}

export function buildQuery(params) {
  if (!params) return ''
  const qs = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value)) value.forEach((v) => qs.append(key, String(v)))
    else qs.append(key, String(value))
  }
  const s = qs.toString()
  return s ? `?${s}` : ''
}

function url(path, query) {
  return API_BASE + path + buildQuery(query)
}

function authHeaders(auth) {
  if (!auth) return {}
  return credentialHeaders(hooks.getCredential())
}

/** Build an ApiError from a status and a parsed body (the error envelope, or anything else). */
export function errorFromResponse(status, body, statusText = '') {
  const err = body && typeof body === 'object' ? body.error : null
  if (err && typeof err === 'object') {
    return new ApiError({ status, code: err.code, message: err.message, details: err.details })
  }
  const fallback = {
    401: ['UNAUTHORIZED', 'You are not signed in.'],
    403: ['FORBIDDEN', 'You do not have permission to do this.'],
    404: ['NOT_FOUND', 'Not found.'],
    413: ['PAYLOAD_TOO_LARGE', 'The upload is too large.'],
    429: ['RATE_LIMITED', 'Too many requests. Wait a moment and try again.'],
  }[status]
  if (fallback) return new ApiError({ status, code: fallback[0], message: fallback[1] })
  return new ApiError({
    status,
    code: status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR',
    message: `The server answered ${status}${statusText ? ' ' + statusText : ''}.`,
  })
}

function handleStatus(error, { auth, action, quietForbidden }) {
  // A 401 on a request that carried no credential (sign-in form) is the form's business, not an expired session.
  if (error.status === 401 && auth) {
    error.handled = true
    hooks.onUnauthorized(error)
  } else if (error.status === 403 && !quietForbidden) {
    error.handled = true
    hooks.onForbidden(error, action)
  }
  return error
}

function parseJson(text) {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * @param {string} method
 * @param {string} path  path below /api, e.g. `/voice-messages`
 * @param {object} [options]
 * @param {object} [options.query]    query parameters (empty values are left out)
 * @param {any}    [options.body]     JSON body, or FormData
 * @param {object} [options.headers]  extra headers (e.g. Idempotency-Key)
 * @param {boolean}[options.auth=true] attach the credential
 * @param {string} [options.action]   words for the 403 toast: "You do not have permission to {action}."
 * @param {boolean}[options.quietForbidden] do not toast a 403 (the caller falls back on its own)
 * @param {'json'|'blob'} [options.responseType='json']
 * @param {AbortSignal} [options.signal]
 * @returns {Promise<{data:any, pagination?:object, message?:string, warnings:Array<{code,message,details}>}|{blob:Blob, filename:string|null}>}
 */
export async function request(method, path, options = {}) {
  const { query, body, headers = {}, auth = true, responseType = 'json', signal } = options
  const init = {
    method,
    credentials: 'omit',
    cache: 'no-store',
    signal,
    headers: {
      Accept: responseType === 'json' ? 'application/json' : '*/*',
      ...authHeaders(auth),
      ...headers,
    },
  }
  if (body !== undefined) {
    if (typeof FormData !== 'undefined' && body instanceof FormData) init.body = body
    else {
      init.headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
  }

  let response
  try {
    response = await fetch(url(path, query), init)
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'Cannot reach the Switchboard server. Check the connection and try again.',
    })
  }

  if (responseType === 'blob' && response.ok) {
    const blob = await response.blob()
    return { blob, filename: filenameFromDisposition(response.headers.get('Content-Disposition')) }
  }

  const payload = parseJson(await response.text())
  if (!response.ok || (payload && payload.success === false)) {
    throw handleStatus(errorFromResponse(response.status, payload, response.statusText), { auth, ...options })
  }
  if (response.status === 204 || payload === null) return { data: null }
  if (typeof payload !== 'object' || !('success' in payload)) {
    throw new ApiError({ status: response.status, code: 'BAD_RESPONSE', message: 'The server sent an unexpected answer.' })
  }
  return { data: payload.data ?? null, pagination: payload.pagination, message: payload.message, warnings: payload.warnings ?? [] }
}

export function filenameFromDisposition(header) {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1].trim() : null
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
}

/** `{items, pagination}` from a list answer. */
export function asPage(result) {
  const items = Array.isArray(result.data) ? result.data : (result.data?.items ?? [])
  const pagination = result.pagination ?? {
    page: 1,
    per_page: items.length,
    total_items: items.length,
    total_pages: 1,
    has_next: false,
    has_prev: false,
  }
  return { items, pagination }
}

/**
 * Multipart upload with real progress (fetch cannot report upload progress): same credential header and
 * error handling as `request`.
 * @returns {{promise: Promise<{data:any}>, abort: () => void}}
 */
export function upload(path, formData, { onProgress, action } = {}) {
  const xhr = new XMLHttpRequest()
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', url(path))
    xhr.withCredentials = false
    xhr.setRequestHeader('Accept', 'application/json')
    for (const [k, v] of Object.entries(authHeaders(true))) xhr.setRequestHeader(k, v)
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total, percent: Math.round((e.loaded / e.total) * 100) })
      }
    }
    xhr.onload = () => {
      const payload = parseJson(xhr.responseText)
      if (xhr.status >= 200 && xhr.status < 300 && !(payload && payload.success === false)) {
        resolve({ data: payload?.data ?? null, message: payload?.message })
      } else {
        reject(handleStatus(errorFromResponse(xhr.status, payload, xhr.statusText), { auth: true, action }))
      }
    }
    xhr.onerror = () =>
      reject(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'The upload was interrupted. Check the connection and try again.' }))
    xhr.onabort = () => reject(new ApiError({ status: 0, code: 'ABORTED', message: 'Upload cancelled.' }))
    xhr.send(formData)
  })
  return { promise, abort: () => xhr.abort() }
}

/** Save a Blob as a file (CSV export, downloads). */
export function saveBlob(blob, filename) {
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}
