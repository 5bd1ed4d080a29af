import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useAuthStore } from './auth'
import { useToastStore } from './toasts'
import { connectClient } from '@/api/connect'
import { ok, stubFetch } from '@/test/helpers'

describe('auth store', () => {
  let auth
  beforeEach(() => {
    setActivePinia(createPinia())
    sessionStorage.clear()
    auth = useAuthStore()
    connectClient(auth, useToastStore())
  })

  it('reads the credential of the tenant in the route, per tenant', () => {
    sessionStorage.setItem('switchboard.credential.a', JSON.stringify({ kind: 'api_key', value: 'ka' }))
    auth.selectTenant('a')
    expect(auth.credential).toEqual({ kind: 'api_key', value: 'ka' })
    auth.selectTenant('b')
    expect(auth.credential).toBeNull()
  })

  it('signs in: posts tenant_id, username and password, stores the token as bearer, loads /auth/me', async () => {
    auth.selectTenant('acme')
    const { calls } = stubFetch({
      'POST /api/auth/login': ok({ token: 'jwt-1', expires_at: '2030-01-01T00:00:00Z', user: { username: 'ann' } }),
      'GET /api/auth/me': ok({ tenant: { id: 'acme', name: 'Acme' }, actor: { type: 'user', username: 'ann' }, permissions: ['send_sms'] }),
    })
    await auth.login('ann', 's3cret!')

    expect(JSON.parse(calls[0].init.body)).toEqual({ tenant_id: 'acme', username: 'ann', password: 's3cret!' })
    expect(calls[0].init.headers.Authorization).toBeUndefined()
    expect(calls[1].init.headers.Authorization).toBe('Bearer jwt-1')
    expect(JSON.parse(sessionStorage.getItem('switchboard.credential.acme'))).toEqual({ kind: 'bearer', value: 'jwt-1' })
    expect(auth.isSignedInUser).toBe(true)
    expect(auth.can('send_sms')).toBe(true)
    expect(auth.can('manage_users')).toBe(false)
    expect(auth.canAny(['manage_users', 'send_sms'])).toBe(true)
  })

  it('clears the expired screen and bumps the session version after signing in again', async () => {
    auth.selectTenant('acme')
    auth.setCredential('bearer', 'old')
    auth.handleUnauthorized()
    expect(auth.sessionExpired).toBe(true)
    stubFetch({
      'POST /api/auth/login': ok({ token: 'new' }),
      'GET /api/auth/me': ok({ tenant: { id: 'acme' }, actor: { type: 'user' }, permissions: [] }),
    })
    await auth.login('ann', 'pw')
    expect(auth.sessionExpired).toBe(false)
    expect(auth.sessionVersion).toBe(1)
    expect(auth.credential.value).toBe('new')
  })

  it('tells the Delphi host once when a credential stops working', () => {
    const post = vi.fn()
    vi.stubGlobal('chrome', { webview: { postMessage: post } })
    auth.selectTenant('acme')
    auth.setCredential('api_key', 'k')
    auth.handleUnauthorized()
    auth.handleUnauthorized()
    expect(post).toHaveBeenCalledTimes(1)
    expect(post).toHaveBeenCalledWith({ type: 'switchboard:auth-required' })
  })

  it('shares one /auth/me request between concurrent callers', async () => {
    auth.selectTenant('acme')
    auth.setCredential('api_key', 'k')
    const { fn } = stubFetch({ 'GET /api/auth/me': ok({ tenant: { id: 'acme' }, actor: { type: 'api_key' }, permissions: ['view_logs'] }) })
    await Promise.all([auth.loadMe(), auth.loadMe()])
    expect(fn).toHaveBeenCalledTimes(1)
    expect(auth.can('view_logs')).toBe(true)
  })
})
