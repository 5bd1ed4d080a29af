// The operator console's credential. The operator key may arrive once in the address bar (`/operator?key=…`): it is
// taken out at once, exchanged for a short-lived session token and never stored. Only the token is kept, per tab, in
// sessionStorage under `switchboard.operator`, as `{token, expires_at}`.

export const OPERATOR_SESSION_KEY = 'switchboard.operator'

function defaultStorage() {
  try {
    return window.sessionStorage
  } catch {
    return null // storage disabled: the session then lives only in memory (the operator store)
  }
}

/** The stored session, or null when there is none, it is malformed or it has expired. */
export function readOperatorSession(storage = defaultStorage(), now = Date.now()) {
  if (!storage) return null
  try {
    const parsed = JSON.parse(storage.getItem(OPERATOR_SESSION_KEY) ?? 'null')
    if (parsed && typeof parsed.token === 'string' && parsed.token && Date.parse(parsed.expires_at) > now) {
      return { token: parsed.token, expires_at: parsed.expires_at }
    }
  } catch {
    /* corrupt entry: treat as absent */
  }
  return null
}

export function writeOperatorSession(session, storage = defaultStorage()) {
  if (!storage) return
  try {
    storage.setItem(OPERATOR_SESSION_KEY, JSON.stringify({ token: session.token, expires_at: session.expires_at }))
  } catch {
    /* quota or privacy mode: the in-memory copy still works for this page */
  }
}

export function removeOperatorSession(storage = defaultStorage()) {
  if (!storage) return
  try {
    storage.removeItem(OPERATOR_SESSION_KEY)
  } catch {
    /* ignore */
  }
}

let pendingKey = null

/**
 * Take `?key=` from an /operator address and remove it from the address bar at once (path, other parameters and hash
 * are kept). Runs before the router starts, so the key never reaches router state, history entries or referrers.
 * The key waits in memory for the console to exchange it (takePendingOperatorKey), which happens as it opens.
 * @returns {string|null} the key
 */
export function captureOperatorKeyFromUrl({ location = window.location, history = window.history } = {}) {
  const url = new URL(location.href)
  if (!/^\/operator(\/|$)/.test(url.pathname) || !url.searchParams.has('key')) return null
  const key = url.searchParams.get('key')
  url.searchParams.delete('key')
  const search = url.searchParams.toString()
  history.replaceState(history.state, '', url.pathname + (search ? `?${search}` : '') + url.hash)
  pendingKey = key || null
  return pendingKey
}

/** The key taken from the address bar, once: it is forgotten here as it is handed over. */
export function takePendingOperatorKey() {
  const key = pendingKey
  pendingKey = null
  return key
}
