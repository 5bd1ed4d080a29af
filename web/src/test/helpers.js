import { vi } from 'vitest'

/** A fetch Response for an API envelope. */
export function jsonResponse(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

export function ok(data, extra = {}) {
  return jsonResponse({ success: true, data, message: 'OK', timestamp: '2025-01-01T00:00:00Z', ...extra })
}

export function fail(status, code, message, details = null) {
  return jsonResponse({ success: false, error: { code, message, details }, timestamp: '2025-01-01T00:00:00Z' }, status)
}

/**
 * Stub global fetch with a router: `routes` maps "METHOD /api/path" (query ignored) to a function
 * (url, init) => Response or a Response. Unmatched calls fail the test loudly.
 */
export function stubFetch(routes) {
  const calls = []
  const fn = vi.fn(async (url, init = {}) => {
    const method = (init.method || 'GET').toUpperCase()
    const path = String(url).split('?')[0]
    calls.push({ url: String(url), method, init })
    const handler = routes[`${method} ${path}`]
    if (!handler) throw new Error(`Unexpected request ${method} ${url}`)
    const res = typeof handler === 'function' ? await handler(String(url), init) : handler
    return res instanceof Response ? res : ok(res)
  })
  vi.stubGlobal('fetch', fn)
  return { fn, calls }
}

export const flush = () => new Promise((r) => setTimeout(r, 0))
