// Where the credential of a tab lives: sessionStorage (per tab), never cookies or localStorage.
// Key `switchboard.credential.{tenantId}`, value `{kind: 'api_key' | 'bearer', value}`.

export const CREDENTIAL_PREFIX = 'switchboard.credential.'
const KINDS = new Set(['api_key', 'bearer'])

function defaultStorage() {
  try {
    return window.sessionStorage
  } catch {
    return null // storage disabled: the credential then lives only in memory (the auth store)
  }
}

export function credentialKey(tenantId) {
  return CREDENTIAL_PREFIX + tenantId
}

export function readCredential(tenantId, storage = defaultStorage()) {
  if (!tenantId || !storage) return null
  try {
    const parsed = JSON.parse(storage.getItem(credentialKey(tenantId)) ?? 'null')
    if (parsed && KINDS.has(parsed.kind) && typeof parsed.value === 'string' && parsed.value) {
      return { kind: parsed.kind, value: parsed.value }
    }
  } catch {
    /* corrupt entry: treat as absent */
  }
  return null
}

export function writeCredential(tenantId, credential, storage = defaultStorage()) {
  if (!tenantId || !storage) return
  try {
    storage.setItem(credentialKey(tenantId), JSON.stringify({ kind: credential.kind, value: credential.value }))
  } catch {
    /* quota or privacy mode: the in-memory copy still works for this page */
  }
}

export function removeCredential(tenantId, storage = defaultStorage()) {
  if (!tenantId || !storage) return
  try {
    storage.removeItem(credentialKey(tenantId))
  } catch {
    /* ignore */
  }
}

/** The tenant id of an admin path (`/admin/{tenantId}/...`), or null. */
export function tenantIdFromPath(pathname) {
  const m = /^\/admin\/([^/?#]+)/.exec(pathname || '')
  if (!m) return null
  try {
    return decodeURIComponent(m[1])
  } catch {
    return m[1]
  }
}

/** Header that carries a credential. */
export function credentialHeaders(credential) {
  if (!credential) return {}
  return credential.kind === 'api_key'
    ? { 'X-API-Key': credential.value }
    : { Authorization: `Bearer ${credential.value}` }
}

/**
 * Take `?apiKey=` (tenant API key) or `?token=` (embed token) from the address, store it for the tenant of the
 * path, and remove it from the address bar at once (other query parameters, path and hash are kept).
 * Runs before the router starts so the secret never reaches router state, history entries or referrers.
 * @returns {{tenantId: string|null, credential: {kind:string, value:string}|null}|null}
 */
export function captureCredentialFromUrl({
  location = window.location,
  history = window.history,
  storage = defaultStorage(),
} = {}) {
  const url = new URL(location.href)
  const params = url.searchParams
  if (!params.has('apiKey') && !params.has('token')) return null

  const token = params.get('token')
  const apiKey = params.get('apiKey')
  params.delete('token')
  params.delete('apiKey')
  const search = params.toString()
  history.replaceState(history.state, '', url.pathname + (search ? `?${search}` : '') + url.hash)

  // An embed token is short-lived and preferred over a long-lived key when both are given.
  const credential = token ? { kind: 'bearer', value: token } : apiKey ? { kind: 'api_key', value: apiKey } : null
  const tenantId = tenantIdFromPath(url.pathname)
  if (credential && tenantId) writeCredential(tenantId, credential, storage)
  return { tenantId, credential }
}
