import { api } from './client'

/**
 * Send (or schedule) one SMS. The Idempotency-Key makes a retry of the same attempt return the first answer.
 * @returns {Promise<{id, status, to, encoding, segments, characters, warnings}>} `warnings`: e.g. SPEND_CAP_NEAR
 */
export async function send({ to, message, variables, sendAt }, { idempotencyKey } = {}) {
  const body = { to, message }
  if (variables && Object.keys(variables).length) body.variables = variables
  if (sendAt) body.send_at = sendAt
  const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}
  const res = await api.post('/communication/sms/send', body, { headers, action: 'send SMS messages' })
  return { ...res.data, warnings: res.warnings }
}
