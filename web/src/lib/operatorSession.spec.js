import { beforeEach, describe, expect, it, vi } from 'vitest'
import { captureOperatorKeyFromUrl, readOperatorSession, removeOperatorSession, writeOperatorSession } from './operatorSession'

describe('captureOperatorKeyFromUrl', () => {
  it('takes ?key= from an /operator address, removes it from the address bar and stores nothing', () => {
    sessionStorage.clear()
    const history = { state: { back: null }, replaceState: vi.fn() }
    const key = captureOperatorKeyFromUrl({ location: { href: 'https://sb.example.com/operator/tenants/acme?key=op_secret&tab=spend#x' }, history })

    expect(key).toBe('op_secret')
    expect(history.replaceState).toHaveBeenCalledWith({ back: null }, '', '/operator/tenants/acme?tab=spend#x')
    expect(JSON.stringify(sessionStorage)).not.toContain('op_secret')
  })

  it('leaves other pages alone, even with a key parameter', () => {
    const history = { state: null, replaceState: vi.fn() }
    expect(captureOperatorKeyFromUrl({ location: { href: 'http://x/admin/acme?key=abc' }, history })).toBeNull()
    expect(captureOperatorKeyFromUrl({ location: { href: 'http://x/operators?key=abc' }, history })).toBeNull()
    expect(captureOperatorKeyFromUrl({ location: { href: 'http://x/operator' }, history })).toBeNull()
    expect(history.replaceState).not.toHaveBeenCalled()
  })

  it('uses the real window.history so the address bar no longer shows the key', () => {
    window.history.replaceState(null, '', '/operator?key=op_real')
    expect(captureOperatorKeyFromUrl()).toBe('op_real')
    expect(window.location.href).not.toContain('op_real')
    expect(window.location.pathname).toBe('/operator')
  })
})

describe('the stored operator session', () => {
  beforeEach(() => sessionStorage.clear())

  it('is kept per tab until it expires', () => {
    const now = Date.parse('2026-12-07T10:00:00Z')
    writeOperatorSession({ token: 'sbo.a.b', expires_at: '2026-12-07T10:30:00Z' })
    expect(readOperatorSession(sessionStorage, now)).toEqual({ token: 'sbo.a.b', expires_at: '2026-12-07T10:30:00Z' })
    expect(readOperatorSession(sessionStorage, now + 31 * 60_000)).toBeNull()
    removeOperatorSession()
    expect(readOperatorSession(sessionStorage, now)).toBeNull()
  })

  it('treats a corrupt entry as no session', () => {
    sessionStorage.setItem('switchboard.operator', '{not json')
    expect(readOperatorSession()).toBeNull()
    sessionStorage.setItem('switchboard.operator', JSON.stringify({ token: '', expires_at: '2999-01-01T00:00:00Z' }))
    expect(readOperatorSession()).toBeNull()
  })
})

describe('takePendingOperatorKey', () => {
  it('hands the captured key over once', async () => {
    const { takePendingOperatorKey } = await import('./operatorSession')
    captureOperatorKeyFromUrl({ location: { href: 'http://x/operator?key=op_once' }, history: { state: null, replaceState: vi.fn() } })
    expect(takePendingOperatorKey()).toBe('op_once')
    expect(takePendingOperatorKey()).toBeNull()
  })
})
