import { describe, expect, it } from 'vitest'
import { attentionOf, filterCounts, filterTenants, formatRate, searchTenants, sortTenants } from './overview'

const tenant = (over) => ({
  id: 'acme',
  name: 'Acme Dental',
  state: 'active',
  twilio_configured: true,
  sends_today: 0,
  sends_this_month: 0,
  failures_today: 0,
  failures_this_month: 0,
  error_rate: null,
  errors_last24h: 0,
  spend: { spent_usd: 0, cap_usd: null, percent_of_cap: null, level: 'none' },
  last_activity_at: null,
  storage_used_bytes: 0,
  storage_quota_bytes: 100,
  ...over,
})

const failing = tenant({ id: 'bay', name: 'Bay Clinic', sends_this_month: 40, failures_this_month: 12, error_rate: 0.3 })
const nearCap = tenant({ id: 'cove', name: 'Cove Ortho', spend: { spent_usd: 85, cap_usd: 100, percent_of_cap: 85, level: 'near' } })
const atCap = tenant({ id: 'dune', name: 'Düne Smiles', spend: { spent_usd: 100, cap_usd: 100, percent_of_cap: 100, level: 'reached' } })
const disabled = tenant({ id: 'elm', name: 'Elm Dental', state: 'disabled', twilio_configured: false })
const quiet = tenant({ id: 'fig', name: 'fig tree', twilio_configured: false, last_activity_at: '2026-12-01T10:00:00Z' })
const all = [quiet, atCap, failing, disabled, nearCap]

describe('attentionOf', () => {
  it('names what needs the operator, most urgent first', () => {
    expect(attentionOf(failing)).toEqual(['failing'])
    expect(attentionOf(nearCap)).toEqual(['spend_near'])
    expect(attentionOf(atCap)).toEqual(['spend_reached'])
    expect(attentionOf(tenant({ errors_last24h: 2, error_rate: 0.5, failures_this_month: 1, spend: { level: 'reached' } }))).toEqual([
      'spend_reached',
      'failing',
      'errors',
    ])
  })

  it('does not call a tenant failing for a rate below 10 % or without failures', () => {
    expect(attentionOf(tenant({ sends_this_month: 100, failures_this_month: 9, error_rate: 0.09 }))).toEqual([])
    expect(attentionOf(tenant({ sends_this_month: 10, failures_this_month: 1, error_rate: 0.1 }))).toEqual(['failing'])
  })

  it('flags missing Twilio credentials only in live mode and only for active tenants', () => {
    expect(attentionOf(quiet, { simulated: true })).toEqual([])
    expect(attentionOf(quiet, { simulated: false })).toEqual(['no_twilio'])
    expect(attentionOf(disabled, { simulated: false })).toEqual(['disabled'])
  })
})

describe('searchTenants', () => {
  it('matches every word in the name or the id, any case, accents ignored', () => {
    expect(searchTenants(all, 'dune').map((t) => t.id)).toEqual(['dune'])
    expect(searchTenants(all, 'DENTAL elm').map((t) => t.id)).toEqual(['elm'])
    expect(searchTenants(all, 'bay').map((t) => t.id)).toEqual(['bay'])
    expect(searchTenants(all, '  ')).toBe(all)
    expect(searchTenants(all, 'nobody')).toEqual([])
  })
})

describe('filterTenants and filterCounts', () => {
  it('keeps the tenants each chip names', () => {
    const context = { simulated: true }
    expect(filterTenants(all, 'failing', context).map((t) => t.id)).toEqual(['bay'])
    expect(filterTenants(all, 'spend', context).map((t) => t.id)).toEqual(['dune', 'cove'])
    expect(filterTenants(all, 'attention', context).map((t) => t.id)).toEqual(['dune', 'bay', 'cove'])
    expect(filterTenants(all, 'disabled', context).map((t) => t.id)).toEqual(['elm'])
    expect(filterTenants(all, 'unknown', context)).toHaveLength(5)
    expect(filterCounts(all, { simulated: false })).toEqual({ all: 5, attention: 4, failing: 1, spend: 2, no_twilio: 1, disabled: 1 })
  })
})

describe('sortTenants', () => {
  it('sorts by name from A, ignoring case and accents', () => {
    expect(sortTenants(all, 'name', 'asc').map((t) => t.id)).toEqual(['bay', 'cove', 'dune', 'elm', 'fig'])
  })

  it('puts the highest error rate first and tenants without sends last, in either direction', () => {
    expect(sortTenants(all, 'error_rate', 'desc')[0].id).toBe('bay')
    expect(sortTenants(all, 'error_rate', 'asc')[0].id).toBe('bay')
    expect(sortTenants(all, 'error_rate', 'desc').slice(1).map((t) => t.id)).toEqual(['cove', 'dune', 'elm', 'fig'])
  })

  it('sorts by share of the spend cap, tenants without a cap last', () => {
    expect(sortTenants(all, 'spend', 'desc').map((t) => t.id)).toEqual(['dune', 'cove', 'bay', 'elm', 'fig'])
  })

  it('sorts by last activity, never-active last', () => {
    const recent = tenant({ id: 'new', name: 'New', last_activity_at: '2026-12-07T10:00:00Z' })
    expect(sortTenants([quiet, failing, recent], 'last_activity_at', 'desc').map((t) => t.id)).toEqual(['new', 'fig', 'bay'])
  })

  it('does not change the list it is given', () => {
    const copy = [...all]
    sortTenants(all, 'name', 'desc')
    expect(all).toEqual(copy)
  })
})

describe('formatRate', () => {
  it('shows a percentage, with a decimal below 10 %', () => {
    expect(formatRate(0.75)).toBe('75 %')
    expect(formatRate(0.0125)).toBe('1.3 %')
    expect(formatRate(0)).toBe('0 %')
    expect(formatRate(null)).toBe('—')
  })
})
