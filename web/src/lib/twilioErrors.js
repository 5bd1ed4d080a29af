// Why a message or call failed, in words for receptionists. The words for Twilio's error codes come from the API
// (error_description on each history row and status event), so the server and the web never disagree.

const STATUS_REASONS = {
  busy: 'The line was busy.',
  'no-answer': 'Nobody answered the call.',
  canceled: 'The call was cancelled before it connected.',
}

/** The best reason for a failed row: the code's meaning, the server's message, or the status itself. */
export function failureReason({ error_code, error_description, error_message, status } = {}) {
  if (error_description) return error_description
  if (error_message) return error_message
  if (status && STATUS_REASONS[status]) return STATUS_REASONS[status]
  if (error_code) return `Twilio error ${error_code}.`
  return null
}

export function twilioDocsUrl(code) {
  return code ? `https://www.twilio.com/docs/errors/${encodeURIComponent(code)}` : null
}
