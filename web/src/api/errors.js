import { api, asPage } from './client'

/** Server-side errors recorded for this tenant: `{id, error_type, error_message, endpoint, created_at}`. */
export async function list({ page, perPage } = {}) {
  return asPage(await api.get('/errors', { query: { page, per_page: perPage }, action: 'view the error log' }))
}
