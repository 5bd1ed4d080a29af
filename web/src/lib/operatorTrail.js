// The operator trail of a tenant in words: what was done, and which fields changed.

const ACTIONS = {
  'system.tenants.create': 'Created the tenant',
  'system.tenants.update': 'Updated the tenant',
  'system.tenants.disable': 'Disabled the tenant',
  'system.tenants.enable': 'Enabled the tenant',
  'system.tenants.rotate_key': 'Rotated the API key',
  'system.tenants.spend_cap.update': 'Set the spend cap',
  'system.tenants.embed_url': 'Opened an admin link',
}

const FIELDS = {
  name: 'name',
  is_active: 'active',
  api_key: 'API key',
  'settings.monthly_spend_cap_usd': 'spend cap',
  embed_actor: 'admin link',
}

export function describeAction(action) {
  return ACTIONS[action] ?? action
}

function show(value) {
  if (value === null || value === undefined || value === '') return 'none'
  if (value === true) return 'yes'
  if (value === false) return 'no'
  return String(value)
}

/** "name: Acme → Acme Group; spend cap: none → 40" from an audit row's `changes`. */
export function describeChanges(changes) {
  if (!changes || typeof changes !== 'object') return ''
  return Object.entries(changes)
    .map(([field, change]) => `${FIELDS[field] ?? field}: ${show(change?.from)} → ${show(change?.to)}`)
    .join('; ')
}
