import { api } from './client'

export async function getProfile(options) {
  return (await api.get('/tenant/profile', options)).data
}

/** `twilio_token` is write-only: leave it out to keep the stored one. */
export async function updateProfile(profile) {
  return (await api.put('/tenant/profile', profile, { action: 'change the tenant settings' })).data
}

/** Usage between two dates (YYYY-MM-DD, inclusive). */
export async function getUsage({ from, to }) {
  return (await api.get('/tenant/usage', { query: { from, to } })).data
}
