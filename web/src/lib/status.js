// Message and call statuses: which are final and how they look.
export const FINAL_STATUSES = new Set([
  'delivered', 'undelivered', 'failed', 'received', 'read', 'canceled',
  'completed', 'busy', 'no-answer',
])
export const FAILURE_STATUSES = ['failed', 'undelivered', 'busy', 'no-answer']
const SUCCESS = new Set(['delivered', 'completed', 'received', 'read'])
const FAILURE = new Set(FAILURE_STATUSES)

export function isFinalStatus(status) {
  return FINAL_STATUSES.has(status)
}

/** 'success' | 'failure' | 'neutral' | 'pending' */
export function statusTone(status) {
  if (SUCCESS.has(status)) return 'success'
  if (FAILURE.has(status)) return 'failure'
  if (status === 'canceled' || status === 'scheduled') return 'neutral'
  return 'pending'
}

export function statusLabel(status) {
  if (!status) return 'unknown'
  const s = String(status).replace(/[-_]/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export const SMS_STATUSES = ['scheduled', 'accepted', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'received', 'canceled']
export const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled']
