import { api } from './client'

/** Place (or schedule) a call that plays a voice message: `{id, status, to, warnings}` (e.g. SPEND_CAP_NEAR). */
export async function send({ to, voiceMessageId, variables, sendAt }, { idempotencyKey } = {}) {
  const body = { to, voice_message_id: voiceMessageId }
  if (variables && Object.keys(variables).length) body.variables = variables
  if (sendAt) body.send_at = sendAt
  const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}
  const res = await api.post('/communication/voice/send', body, { headers, action: 'place calls' })
  return { ...res.data, warnings: res.warnings }
}
