import { describe, expect, it } from 'vitest'
import { describeAction, describeChanges } from './operatorTrail'

describe('the operator trail in words', () => {
  it('names known actions and keeps unknown ones as they are', () => {
    expect(describeAction('system.tenants.rotate_key')).toBe('Rotated the API key')
    expect(describeAction('system.tenants.something_new')).toBe('system.tenants.something_new')
  })

  it('lists each changed field with its old and new value', () => {
    expect(
      describeChanges({
        name: { from: 'Acme', to: 'Acme Group' },
        is_active: { from: true, to: false },
        'settings.monthly_spend_cap_usd': { from: null, to: 40 },
        api_key: { from: '(secret)', to: '(changed)' },
      }),
    ).toBe('name: Acme → Acme Group; active: yes → no; spend cap: none → 40; API key: (secret) → (changed)')
    expect(describeChanges(null)).toBe('')
  })
})
