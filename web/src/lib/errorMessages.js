// An API failure in words a receptionist can act on.
import { formatBytes, formatMoney } from './format'

/**
 * @param {any} error  an ApiError (or any Error)
 * @param {string} [fallback] what was being done, e.g. "Could not send the SMS"
 */
export function describeError(error, fallback = 'Something went wrong') {
  if (!error) return fallback
  const details = error.details && typeof error.details === 'object' ? error.details : {}
  const serverMessage = error.message && error.message !== 'Request failed' ? error.message : ''

  switch (error.code) {
    case 'VALIDATION_ERROR':
      return `${serverMessage ? serverMessage.replace(/\.$/, '') + '. ' : ''}Check the highlighted fields.`
    case 'NETWORK_ERROR':
      return serverMessage || 'Cannot reach the Switchboard server.'
    case 'RATE_LIMITED':
      return 'Too many requests in a short time. Wait a moment and try again.'
    case 'OPTED_OUT':
      return serverMessage || 'This number has opted out (replied STOP). They must text START to receive messages again.'
    case 'SPEND_CAP_REACHED':
      return details.cap_usd !== undefined
        ? `This month’s spending limit of ${formatMoney(details.cap_usd)} is reached, so nothing was sent. Ask your provider to raise it.`
        : serverMessage || 'This month’s spending limit is reached, so nothing was sent.'
    case 'DUPLICATE':
      return serverMessage || 'This was already done (duplicate request).'
    case 'PAYLOAD_TOO_LARGE':
      return details.max_bytes
        ? `The file is too large. The limit is ${formatBytes(details.max_bytes)}.`
        : serverMessage || 'The file is too large.'
    case 'UNSUPPORTED_MEDIA_TYPE':
      return `This file type is not supported${details.reason ? `: ${details.reason}` : ''}. Upload an MP3 or WAV file.`
    case 'QUOTA_EXCEEDED':
      return details.remaining_bytes !== undefined
        ? `Not enough storage left: ${formatBytes(details.remaining_bytes)} remaining. Delete unused files first.`
        : serverMessage || 'The storage quota is full. Delete unused files first.'
    case 'TWILIO_ERROR': {
      const base = serverMessage || 'Twilio refused the request.'
      return details.twilio_code ? `${base} (Twilio error ${details.twilio_code})` : base
    }
    case 'INTERNAL_ERROR':
      return `${fallback}: the server had a problem.${
        details.correlation_id ? ` Reference: ${details.correlation_id}` : ''
      }`
    case 'NOT_FOUND':
      return serverMessage || 'It no longer exists. It may have been deleted.'
    default:
      return serverMessage ? `${fallback}: ${serverMessage}` : fallback
  }
}
