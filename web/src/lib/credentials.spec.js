import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  captureCredentialFromUrl,
  credentialHeaders,
  credentialKey,
  readCredential,
  tenantIdFromPath,
} from './credentials'

function fakeLocation(href) {
  return { href }
}

describe('captureCredentialFromUrl', () => {
  beforeEach(() => sessionStorage.clear())

  it('takes ?apiKey=, stores it per tenant in sessionStorage and removes it from the address bar', () => {
    const history = { state: { back: null }, replaceState: vi.fn() }
    const result = captureCredentialFromUrl({
      location: fakeLocation('https://sb.example.com/admin/acme/sms?apiKey=sk_live_123&lang=de#compose'),
      history,
      storage: sessionStorage,
    })

    expect(result).toEqual({ tenantId: 'acme', credential: { kind: 'api_key', value: 'sk_live_123' } })
    expect(history.replaceState).toHaveBeenCalledTimes(1)
    expect(history.replaceState).toHaveBeenCalledWith({ back: null }, '', '/admin/acme/sms?lang=de#compose')
    expect(JSON.parse(sessionStorage.getItem('switchboard.credential.acme'))).toEqual({ kind: 'api_key', value: 'sk_live_123' })
  })

  it('takes ?token= (embed token) as a bearer credential', () => {
    const history = { state: null, replaceState: vi.fn() }
    captureCredentialFromUrl({ location: fakeLocation('http://localhost/admin/t-42?token=emb.abc.def'), history, storage: sessionStorage })
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/admin/t-42')
    expect(readCredential('t-42', sessionStorage)).toEqual({ kind: 'bearer', value: 'emb.abc.def' })
  })

  it('prefers the short-lived embed token when both are present, and strips both', () => {
    const history = { state: null, replaceState: vi.fn() }
    captureCredentialFromUrl({ location: fakeLocation('http://x/admin/a?apiKey=k&token=t&page=2'), history, storage: sessionStorage })
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/admin/a?page=2')
    expect(readCredential('a', sessionStorage)).toEqual({ kind: 'bearer', value: 't' })
  })

  it('uses the real window.history so the address bar no longer shows the key', () => {
    window.history.replaceState(null, '', '/admin/demo/files?apiKey=secret-key&x=1')
    captureCredentialFromUrl()
    expect(window.location.pathname + window.location.search).toBe('/admin/demo/files?x=1')
    expect(window.location.href).not.toContain('secret-key')
    expect(readCredential('demo')).toEqual({ kind: 'api_key', value: 'secret-key' })
  })

  it('does nothing when there is no credential in the URL', () => {
    const history = { state: null, replaceState: vi.fn() }
    expect(captureCredentialFromUrl({ location: fakeLocation('http://x/admin/a?page=2'), history, storage: sessionStorage })).toBeNull()
    expect(history.replaceState).not.toHaveBeenCalled()
  })

  it('still removes a key from a URL without a tenant, but stores nothing', () => {
    const history = { state: null, replaceState: vi.fn() }
    const r = captureCredentialFromUrl({ location: fakeLocation('http://x/?apiKey=k'), history, storage: sessionStorage })
    expect(r.tenantId).toBeNull()
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/')
    expect(sessionStorage.length).toBe(0)
  })
})

describe('credential helpers', () => {
  it('reads the tenant id from admin paths only', () => {
    expect(tenantIdFromPath('/admin/acme')).toBe('acme')
    expect(tenantIdFromPath('/admin/acme%20co/logs')).toBe('acme co')
    expect(tenantIdFromPath('/')).toBeNull()
  })

  it('ignores corrupt or foreign storage entries', () => {
    sessionStorage.setItem(credentialKey('bad'), '{not json')
    sessionStorage.setItem(credentialKey('odd'), JSON.stringify({ kind: 'cookie', value: 'x' }))
    expect(readCredential('bad', sessionStorage)).toBeNull()
    expect(readCredential('odd', sessionStorage)).toBeNull()
  })

  it('maps an API key to X-API-Key and a token to Authorization: Bearer', () => {
    expect(credentialHeaders({ kind: 'api_key', value: 'k1' })).toEqual({ 'X-API-Key': 'k1' })
    expect(credentialHeaders({ kind: 'bearer', value: 't1' })).toEqual({ Authorization: 'Bearer t1' })
    expect(credentialHeaders(null)).toEqual({})
  })
})
