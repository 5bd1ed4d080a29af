// The operator API (/api/system), with the operator session token as `Authorization: Bearer`. Kept apart from the
// tenant client's credential: a 401 here ends the operator session, never a tenant's.
import { asPage, request } from './client'

const hooks = {
  getToken: () => null,
  onUnauthorized: () => {},
}

/** Wire to the operator store (main.js) or to stubs (tests). */
export function configureOperatorClient(options) {
  Object.assign(hooks, options)
}

async function call(method, path, { body, query, headers, session = true } = {}) {
  const token = session ? hooks.getToken() : null
  try {
    return await request(method, `/system${path}`, {
      body,
      query,
      auth: false,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    })
  } catch (e) {
    if (session && e?.status === 401) {
      e.handled = true
      hooks.onUnauthorized(e)
    }
    throw e
  }
}

const tenantPath = (id, rest = '') => `/tenants/${encodeURIComponent(id)}${rest}`

/** Exchange the operator key for a session token: `{token, expires_at}`. The key is sent once, as a header. */
export async function startSession(key) {
  return (await call('POST', '/session', { headers: { 'X-Operator-Key': key }, session: false })).data
}

export async function endSession() {
  return (await call('DELETE', '/session')).data
}

/** `{day, month, simulated, tenants: [...]}` */
export async function overview() {
  return (await call('GET', '/overview')).data
}

export async function createTenant({ name, id }) {
  return (await call('POST', '/tenants', { body: { name, id: id || undefined } })).data
}

export async function renameTenant(id, name) {
  return (await call('PUT', tenantPath(id), { body: { name } })).data
}

export async function setActive(id, active) {
  return (await call('POST', tenantPath(id, active ? '/enable' : '/disable'))).data
}

/** `{id, name, api_key}`: the new key, shown once. */
export async function rotateKey(id) {
  return (await call('POST', tenantPath(id, '/rotate-key'))).data
}

/** `cap` in USD, or null for the default cap. Answers this month's spend against it. */
export async function setSpendCap(id, cap) {
  return (await call('PUT', tenantPath(id, '/spend-cap'), { body: { monthly_spend_cap_usd: cap } })).data
}

/** `{token, url, expires_at, permissions}` */
export async function mintEmbedUrl(id, ttlMinutes) {
  return (await call('POST', tenantPath(id, '/embed-url'), { body: ttlMinutes ? { ttl_minutes: ttlMinutes } : {} })).data
}

export async function tenantPage(id) {
  return (await call('GET', tenantPath(id, '/profile'))).data
}

export async function usage(id, { from, to } = {}) {
  return (await call('GET', tenantPath(id, '/usage'), { query: { from, to } })).data
}

export async function failures(id, limit = 20) {
  return (await call('GET', tenantPath(id, '/failures'), { query: { limit } })).data
}

export async function errors(id, { page = 1, perPage = 10 } = {}) {
  return asPage(await call('GET', tenantPath(id, '/errors'), { query: { page, per_page: perPage } }))
}

export async function optOuts(id, { page = 1, perPage = 10 } = {}) {
  return asPage(await call('GET', tenantPath(id, '/opt-outs'), { query: { page, per_page: perPage } }))
}

export async function operatorTrail(id, { page = 1, perPage = 10 } = {}) {
  return asPage(await call('GET', tenantPath(id, '/audit'), { query: { page, per_page: perPage } }))
}
