/** An origin is scheme://host[:port] and nothing else (it becomes a CSP frame-ancestors source). */
export function normalizeOrigin(value) {
  const text = (value ?? '').trim()
  if (!/^https?:\/\//i.test(text)) return null
  try {
    const u = new URL(text)
    if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return null
    return u.origin
  } catch {
    return null
  }
}
