import { api } from './client'

/** Sign in with a tenant user's name and password: `{token, expires_at, user}`. Sent without a credential. */
export async function login({ tenantId, username, password }) {
  const res = await api.post('/auth/login', { tenant_id: tenantId, username, password }, { auth: false })
  return res.data
}

/** Who the current credential is: `{tenant:{id,name}, actor:{type, username?, display_name?}, permissions:[]}`. */
export async function me() {
  return (await api.get('/auth/me')).data
}
