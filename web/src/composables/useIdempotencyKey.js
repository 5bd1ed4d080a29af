import { uuid } from '@/lib/uuid'

/**
 * One Idempotency-Key per compose attempt: a double click or a retry of the same payload reuses the key (so the
 * server answers with the first result instead of sending twice); a changed payload or a success starts a new one.
 */
export function useIdempotencyKey() {
  let key = null
  let payloadJson = null

  function keyFor(payload) {
    const json = JSON.stringify(payload)
    if (!key || json !== payloadJson) {
      key = uuid()
      payloadJson = json
    }
    return key
  }

  function reset() {
    key = null
    payloadJson = null
  }

  return { keyFor, reset }
}
