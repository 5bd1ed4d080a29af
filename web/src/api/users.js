import { api, asPage } from './client'

const base = '/users'
const action = 'manage users'

export async function list({ page, perPage, search } = {}) {
  return asPage(await api.get(base, { query: { page, per_page: perPage, search }, action }))
}

export async function get(id) {
  return (await api.get(`${base}/${encodeURIComponent(id)}`, { action })).data
}

/** `{username, display_name, email, password, permissions, is_admin, is_active}` */
export async function create(user) {
  return (await api.post(base, user, { action })).data
}

export async function update(id, user) {
  return (await api.put(`${base}/${encodeURIComponent(id)}`, user, { action })).data
}

export async function deactivate(id) {
  return (await api.post(`${base}/${encodeURIComponent(id)}/deactivate`, undefined, { action })).data
}

export async function resetPassword(id, password) {
  return (await api.post(`${base}/${encodeURIComponent(id)}/reset-password`, { password }, { action })).data
}
