import { api } from './client'

/**
 * Send (or schedule) one SMS. The Idempotency-Key makes a retry of the same attempt return the first answer.
 * @returns {Promise<{id, status, to, encoding, segments, characters}>}
 */
export async function send({ to, message, variables, sendAt }, { idempotencyKey } = {}) {
  const body = { to, message }
  if (variables && Object.keys(variables).length) body.variables = variables
  if (sendAt) body.send_at = sendAt
  const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}
  return (await api.post('/communication/sms/send', body, { headers, action: 'send SMS messages' })).data
}
