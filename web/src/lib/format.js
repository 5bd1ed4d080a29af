// Formatting for display. Times are shown in the tenant's time zone (Settings → Time zone).

export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

export function isValidTimeZone(tz) {
  if (!tz) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

function zoneOrDefault(tz) {
  return isValidTimeZone(tz) ? tz : browserTimeZone()
}

function toDate(value) {
  if (value === null || value === undefined || value === '') return null
  const d = value instanceof Date ? value : new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** "23 Nov 2025, 14:05" in the given zone. */
export function formatDateTime(value, tz, { seconds = false } = {}) {
  const d = toDate(value)
  if (!d) return '—'
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zoneOrDefault(tz),
    day: '2-digit',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
  }).format(d)
}

export function formatDate(value, tz) {
  const d = toDate(value)
  if (!d) return '—'
  return new Intl.DateTimeFormat(undefined, { timeZone: zoneOrDefault(tz), day: '2-digit', month: 'short', year: 'numeric' }).format(d)
}

/** "5 min ago" style, falling back to a date after a week. */
export function formatRelative(value, now = Date.now(), tz) {
  const d = toDate(value)
  if (!d) return '—'
  const s = Math.round((now - d.getTime()) / 1000)
  if (s < 45 && s > -45) return 'just now'
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const abs = Math.abs(s)
  if (abs < 3600) return rtf.format(-Math.round(s / 60), 'minute')
  if (abs < 86400) return rtf.format(-Math.round(s / 3600), 'hour')
  if (abs < 7 * 86400) return rtf.format(-Math.round(s / 86400), 'day')
  return formatDate(d, tz)
}

/** Calendar date (YYYY-MM-DD) of an instant in a zone. */
export function dateInZone(value, tz) {
  const d = toDate(value) ?? new Date()
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zoneOrDefault(tz),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(d)
  const get = (t) => parts.find((p) => p.type === t).value
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** Add days to a YYYY-MM-DD date. */
export function addDays(isoDate, days) {
  const [y, m, d] = isoDate.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + days))
  return t.toISOString().slice(0, 10)
}

function zoneOffsetMs(instantMs, tz) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs))
  const get = (t) => Number(parts.find((p) => p.type === t).value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'))
  return asUtc - Math.floor(instantMs / 1000) * 1000
}

/**
 * A wall-clock time in a zone (the value of `<input type="datetime-local">`, "2025-11-23T14:30") as an ISO-8601
 * UTC instant ("2025-11-23T19:30:00Z").
 */
export function zonedLocalToUtcIso(local, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local || '')
  if (!m) return null
  const zone = zoneOrDefault(tz)
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0))
  let guess = wall - zoneOffsetMs(wall, zone)
  guess = wall - zoneOffsetMs(guess, zone) // second pass settles DST edges
  return new Date(guess).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The current wall-clock time in a zone as a datetime-local value ("2025-11-23T14:30"). */
export function nowInZoneLocal(tz, now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zoneOrDefault(tz),
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(now)
  const get = (t) => parts.find((p) => p.type === t).value
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(Number(bytes))) return '—'
  const n = Number(bytes)
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || seconds === '') return '—'
  const s = Math.max(0, Math.round(Number(seconds)))
  const m = Math.floor(s / 60)
  return `${m}:${String(s % 60).padStart(2, '0')}`
}

export function formatMoney(amount, currency = 'USD') {
  if (amount === null || amount === undefined || amount === '') return '—'
  const n = Number(amount)
  if (Number.isNaN(n)) return String(amount)
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency || 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: Math.abs(n) < 1 && n !== 0 ? 4 : 2,
    }).format(n)
  } catch {
    return `${n.toFixed(2)} ${currency ?? ''}`.trim()
  }
}

export function formatNumber(n) {
  return new Intl.NumberFormat().format(Number(n) || 0)
}

export function truncate(text, max = 100) {
  const s = text ?? ''
  const chars = [...s]
  return chars.length > max ? chars.slice(0, max - 1).join('').trimEnd() + '…' : s
}
