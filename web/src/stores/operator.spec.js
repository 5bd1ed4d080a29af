import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { connectOperatorClient, useOperatorStore } from './operator'
import * as operatorApi from '@/api/operator'
import { fail, ok, stubFetch } from '@/test/helpers'

describe('operator store', () => {
  let operator
  beforeEach(() => {
    setActivePinia(createPinia())
    sessionStorage.clear()
    operator = useOperatorStore()
    connectOperatorClient(operator)
  })

  it('exchanges the key for a session token, keeps only the token, and sends the token afterwards', async () => {
    const { calls } = stubFetch({
      'POST /api/system/session': ok({ token: 'sbo.token.sig', expires_at: '2999-01-01T00:00:00Z' }),
      'GET /api/system/overview': ok({ tenants: [] }),
    })

    expect(await operator.signIn('  op_key_123 ')).toBe(true)
    await operatorApi.overview()

    expect(calls[0].init.headers['X-Operator-Key']).toBe('op_key_123')
    expect(calls[0].init.headers.Authorization).toBeUndefined()
    expect(calls[1].init.headers.Authorization).toBe('Bearer sbo.token.sig')
    expect(calls[1].init.headers['X-Operator-Key']).toBeUndefined()
    expect(operator.signedIn).toBe(true)
    expect(JSON.stringify(sessionStorage)).toContain('sbo.token.sig')
    expect(JSON.stringify(sessionStorage)).not.toContain('op_key_123')
  })

  it('says when the key is wrong, or when the server has no console', async () => {
    stubFetch({ 'POST /api/system/session': fail(401, 'UNAUTHORIZED', 'The operator key is not valid.') })
    expect(await operator.signIn('wrong')).toBe(false)
    expect(operator.signInError).toBe('That operator key is not valid.')
    expect(operator.signedIn).toBe(false)

    stubFetch({ 'POST /api/system/session': fail(404, 'NOT_FOUND', 'No API endpoint matches this path.') })
    await operator.signIn('any')
    expect(operator.unavailable).toBe(true)
    expect(operator.signInError).toContain('not enabled')
  })

  it('asks for the key without calling the server when none is given', async () => {
    const { fn } = stubFetch({})
    expect(await operator.signIn('')).toBe(false)
    expect(operator.signInError).toBe('Enter the operator key.')
    expect(fn).not.toHaveBeenCalled()
  })

  it('ends the session on a 401 and marks it expired', async () => {
    stubFetch({
      'POST /api/system/session': ok({ token: 'sbo.t.s', expires_at: '2999-01-01T00:00:00Z' }),
      'GET /api/system/overview': fail(401, 'UNAUTHORIZED', 'The operator session has expired.'),
    })
    await operator.signIn('op')

    await expect(operatorApi.overview()).rejects.toMatchObject({ status: 401, handled: true })
    expect(operator.signedIn).toBe(false)
    expect(operator.expired).toBe(true)
    expect(sessionStorage.getItem('switchboard.operator')).toBeNull()
  })

  it('signs out on the server and forgets the token even if the server is unreachable', async () => {
    const { calls } = stubFetch({
      'POST /api/system/session': ok({ token: 'sbo.t.s', expires_at: '2999-01-01T00:00:00Z' }),
      'DELETE /api/system/session': () => {
        throw new TypeError('network down')
      },
    })
    await operator.signIn('op')
    await operator.signOut()

    expect(calls[1].method).toBe('DELETE')
    expect(calls[1].init.headers.Authorization).toBe('Bearer sbo.t.s')
    expect(operator.signedIn).toBe(false)
    expect(operator.expired).toBe(false)
  })

  it('picks up the session a page load left in this tab', () => {
    sessionStorage.setItem('switchboard.operator', JSON.stringify({ token: 'sbo.kept', expires_at: '2999-01-01T00:00:00Z' }))
    setActivePinia(createPinia())
    expect(useOperatorStore().token).toBe('sbo.kept')
  })
})
