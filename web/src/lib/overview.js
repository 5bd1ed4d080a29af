// The operator overview's table logic: what each tenant needs attention for, searching, filtering and sorting.

/** A tenant whose failures are at least this share of its sends this month is "failing". */
export const FAILING_RATE = 0.1

/**
 * What needs the operator's eye, in order of urgency: `spend_reached`, `failing`, `errors` (server errors in the
 * last 24 hours), `spend_near`, `no_twilio` (live mode without credentials), `disabled`.
 * @param {object} tenant a line of GET /api/system/overview
 * @param {{simulated?: boolean}} [context]
 */
export function attentionOf(tenant, { simulated = false } = {}) {
  const issues = []
  if (tenant.spend?.level === 'reached') issues.push('spend_reached')
  if (tenant.failures_this_month > 0 && (tenant.error_rate ?? 0) >= FAILING_RATE) issues.push('failing')
  if (tenant.errors_last24h > 0) issues.push('errors')
  if (tenant.spend?.level === 'near') issues.push('spend_near')
  if (!simulated && !tenant.twilio_configured && tenant.state === 'active') issues.push('no_twilio')
  if (tenant.state === 'disabled') issues.push('disabled')
  return issues
}

export const ATTENTION_LABELS = {
  spend_reached: 'Spend cap reached',
  failing: 'Failing',
  errors: 'Server errors',
  spend_near: 'Near spend cap',
  no_twilio: 'No Twilio credentials',
  disabled: 'Disabled',
}

/** The filter chips: each keeps the tenants it names (`attention`: any issue but being disabled). */
export const FILTERS = [
  { key: 'all', label: 'All', keep: () => true },
  { key: 'attention', label: 'Needs attention', keep: (issues) => issues.some((i) => i !== 'disabled') },
  { key: 'failing', label: 'Failing', keep: (issues) => issues.includes('failing') || issues.includes('errors') },
  { key: 'spend', label: 'Near or at cap', keep: (issues) => issues.includes('spend_near') || issues.includes('spend_reached') },
  { key: 'no_twilio', label: 'No Twilio', keep: (issues) => issues.includes('no_twilio') },
  { key: 'disabled', label: 'Disabled', keep: (issues) => issues.includes('disabled') },
]

function fold(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
}

/** Tenants whose name or id contains every word of the query (any case, accents ignored). */
export function searchTenants(tenants, query) {
  const words = fold(query).split(/\s+/).filter(Boolean)
  if (!words.length) return tenants
  return tenants.filter((t) => {
    const haystack = `${fold(t.name)} ${fold(t.id)}`
    return words.every((w) => haystack.includes(w))
  })
}

export function filterTenants(tenants, filterKey, context) {
  const filter = FILTERS.find((f) => f.key === filterKey) ?? FILTERS[0]
  return tenants.filter((t) => filter.keep(attentionOf(t, context)))
}

/** How many tenants each filter keeps, for the chips' counts. */
export function filterCounts(tenants, context) {
  return Object.fromEntries(FILTERS.map((f) => [f.key, tenants.filter((t) => f.keep(attentionOf(t, context))).length]))
}

/** Sortable columns: the value each sorts by (null sorts last in both directions). */
export const SORT_KEYS = {
  name: (t) => fold(t.name),
  state: (t) => t.state,
  sends_today: (t) => t.sends_today,
  sends_this_month: (t) => t.sends_this_month,
  failures_this_month: (t) => t.failures_this_month,
  error_rate: (t) => t.error_rate ?? null,
  spend: (t) => t.spend?.percent_of_cap ?? null,
  spent: (t) => t.spend?.spent_usd ?? 0,
  last_activity_at: (t) => (t.last_activity_at ? Date.parse(t.last_activity_at) : null),
  storage: (t) => (t.storage_quota_bytes ? t.storage_used_bytes / t.storage_quota_bytes : 0),
}

/** A sorted copy; ties keep the name order. `direction` is 'asc' or 'desc'. */
export function sortTenants(tenants, key, direction = 'asc') {
  const value = SORT_KEYS[key] ?? SORT_KEYS.name
  const sign = direction === 'desc' ? -1 : 1
  const byName = (a, b) => SORT_KEYS.name(a).localeCompare(SORT_KEYS.name(b)) || String(a.id).localeCompare(String(b.id))
  return [...tenants].sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    if (va === null && vb === null) return byName(a, b)
    if (va === null) return 1
    if (vb === null) return -1
    const order = typeof va === 'string' ? va.localeCompare(vb) : va - vb
    return order !== 0 ? sign * order : byName(a, b)
  })
}

/** The direction a column sorts in first: numbers that flag trouble from the top, names from A. */
export function defaultDirection(key) {
  return key === 'name' || key === 'state' ? 'asc' : 'desc'
}

/** "12.5 %" for a fraction (0.125), "—" when there is none. */
export function formatRate(fraction) {
  if (fraction === null || fraction === undefined) return '—'
  const percent = Number(fraction) * 100
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)} %`
}
