import { api, asPage } from './client'

const base = '/voice-messages'

export async function list({ page, perPage, search, isActive, voiceType } = {}) {
  return asPage(
    await api.get(base, {
      query: { page, per_page: perPage, search, is_active: isActive, voice_type: voiceType },
    }),
  )
}

export async function get(id) {
  return (await api.get(`${base}/${encodeURIComponent(id)}`)).data
}

export async function create(message) {
  return (await api.post(base, message, { action: 'create voice messages' })).data
}

export async function update(id, message) {
  return (await api.put(`${base}/${encodeURIComponent(id)}`, message, { action: 'edit voice messages' })).data
}

export async function remove(id) {
  await api.delete(`${base}/${encodeURIComponent(id)}`, { action: 'delete voice messages' })
}

export async function duplicate(id) {
  return (await api.post(`${base}/${encodeURIComponent(id)}/duplicate`, undefined, { action: 'duplicate voice messages' })).data
}

/** TwiML the message produces with these variable values: `{twiml, variables, missing}`. */
export async function preview(id, variables = {}) {
  return (await api.get(`${base}/${encodeURIComponent(id)}/preview`, { query: variables })).data
}

/** `{voices:[{name, language, provider, supports_ssml}], rates, languages, types}` */
export async function options() {
  return (await api.get(`${base}/options`)).data
}
