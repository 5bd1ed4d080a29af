import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError, api, configureClient, fieldErrors, request, upload, filenameFromDisposition } from './client'
import { connectClient } from './connect'
import { useAuthStore } from '@/stores/auth'
import { useToastStore } from '@/stores/toasts'
import { fail, jsonResponse, ok, stubFetch } from '@/test/helpers'
import * as voiceMessages from './voiceMessages'
import * as sms from './sms'

function withCredential(credential) {
  configureClient({ getCredential: () => credential, onUnauthorized: vi.fn(), onForbidden: vi.fn() })
}

describe('request: success envelope', () => {
  beforeEach(() => withCredential(null))

  it('returns data, message and pagination from the envelope', async () => {
    const pagination = { page: 2, per_page: 10, total_items: 11, total_pages: 2, has_next: false, has_prev: true }
    stubFetch({ 'GET /api/voice-messages': ok([{ id: 1 }], { pagination }) })
    const res = await voiceMessages.list({ page: 2, perPage: 10, search: 'rem', isActive: '' })
    expect(res).toEqual({ items: [{ id: 1 }], pagination })
    const url = fetch.mock.calls[0][0]
    expect(url).toBe('/api/voice-messages?page=2&per_page=10&search=rem') // empty filters are left out
  })

  it('never sends cookies and sends JSON bodies', async () => {
    const { calls } = stubFetch({ 'POST /api/communication/sms/send': ok({ id: 'm1', status: 'queued' }) })
    await sms.send({ to: '+15551234567', message: 'Hi {{first_name}}', variables: { first_name: 'Ann' } }, { idempotencyKey: 'key-1' })
    const init = calls[0].init
    expect(init.credentials).toBe('omit')
    expect(init.headers['Content-Type']).toBe('application/json')
    expect(init.headers['Idempotency-Key']).toBe('key-1')
    expect(JSON.parse(init.body)).toEqual({ to: '+15551234567', message: 'Hi {{first_name}}', variables: { first_name: 'Ann' } })
  })
})

describe('request: credential header', () => {
  it('sends an API key as X-API-Key', async () => {
    withCredential({ kind: 'api_key', value: 'sk_test_1' })
    const { calls } = stubFetch({ 'GET /api/auth/me': ok({}) })
    await api.get('/auth/me')
    expect(calls[0].init.headers['X-API-Key']).toBe('sk_test_1')
    expect(calls[0].init.headers.Authorization).toBeUndefined()
  })

  it('sends an embed or user token as Authorization: Bearer', async () => {
    withCredential({ kind: 'bearer', value: 'tok_9' })
    const { calls } = stubFetch({ 'GET /api/auth/me': ok({}) })
    await api.get('/auth/me')
    expect(calls[0].init.headers.Authorization).toBe('Bearer tok_9')
    expect(calls[0].init.headers['X-API-Key']).toBeUndefined()
  })

  it('sends no credential when asked not to (sign-in)', async () => {
    withCredential({ kind: 'api_key', value: 'k' })
    const { calls } = stubFetch({ 'POST /api/auth/login': ok({ token: 't' }) })
    await api.post('/auth/login', {}, { auth: false })
    expect(calls[0].init.headers['X-API-Key']).toBeUndefined()
  })
})

describe('request: error envelope → ApiError', () => {
  beforeEach(() => withCredential({ kind: 'api_key', value: 'k' }))

  it('carries status, code, message and per-field validation details', async () => {
    stubFetch({
      'POST /api/voice-messages': fail(400, 'VALIDATION_ERROR', 'Invalid voice message', {
        name: ['Name is required.'],
        voice_text: ['Text cannot be empty.', 'Too short.'],
        'settings.time_zone': ['Unknown zone.'],
      }),
    })
    const err = await voiceMessages.create({}).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', message: 'Invalid voice message' })
    expect(err.fieldErrors('voice_text')).toEqual(['Text cannot be empty.', 'Too short.'])
    expect(fieldErrors(err, 'name')).toEqual(['Name is required.'])
    expect(fieldErrors(err, 'settings')).toEqual(['Unknown zone.'])
    expect(fieldErrors(err, 'voice')).toEqual([]) // no prefix confusion with voice_text
  })

  it('keeps Twilio and correlation details', async () => {
    stubFetch({
      'POST /api/communication/sms/send': fail(502, 'TWILIO_ERROR', 'Twilio refused', { twilio_code: 21610 }),
      'GET /api/files': fail(500, 'INTERNAL_ERROR', 'Unexpected', { correlation_id: 'abc-123' }),
    })
    const e1 = await api.post('/communication/sms/send', {}).catch((e) => e)
    expect(e1.details.twilio_code).toBe(21610)
    const e2 = await api.get('/files').catch((e) => e)
    expect(e2.correlationId).toBe('abc-123')
  })

  it('turns a non-JSON failure (proxy error page) into an ApiError', async () => {
    stubFetch({ 'GET /api/files': new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }) })
    const err = await api.get('/files').catch((e) => e)
    expect(err).toMatchObject({ status: 502, code: 'INTERNAL_ERROR' })
    expect(err.message).toContain('502')
  })

  it('turns a network failure into NETWORK_ERROR', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    const err = await api.get('/files').catch((e) => e)
    expect(err).toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
  })

  it('treats success:false in a 200 answer as an error', async () => {
    stubFetch({ 'GET /api/files': jsonResponse({ success: false, error: { code: 'CONFLICT', message: 'Busy' } }, 200) })
    await expect(api.get('/files')).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})

describe('central 401 and 403 handling', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    sessionStorage.clear()
  })

  it('a 401 clears the stored credential and shows the session-expired screen', async () => {
    const auth = useAuthStore()
    const toasts = useToastStore()
    connectClient(auth, toasts)
    sessionStorage.setItem('switchboard.credential.acme', JSON.stringify({ kind: 'bearer', value: 'old' }))
    auth.selectTenant('acme')
    expect(auth.credential).toEqual({ kind: 'bearer', value: 'old' })

    const { calls } = stubFetch({ 'GET /api/files': fail(401, 'UNAUTHORIZED', 'Token expired') })
    const err = await api.get('/files').catch((e) => e)

    expect(calls[0].init.headers.Authorization).toBe('Bearer old')
    expect(err.status).toBe(401)
    expect(err.handled).toBe(true)
    expect(auth.credential).toBeNull()
    expect(sessionStorage.getItem('switchboard.credential.acme')).toBeNull()
    expect(auth.sessionExpired).toBe(true)
  })

  it('a 401 from the sign-in form itself does not expire the session', async () => {
    const auth = useAuthStore()
    connectClient(auth, useToastStore())
    auth.selectTenant('acme')
    stubFetch({ 'POST /api/auth/login': fail(401, 'UNAUTHORIZED', 'Bad password') })
    await expect(auth.login('ann', 'wrong')).rejects.toMatchObject({ status: 401, handled: false })
    expect(auth.sessionExpired).toBe(false)
  })

  it('a 403 toasts "You do not have permission to …" with the action', async () => {
    const auth = useAuthStore()
    const toasts = useToastStore()
    connectClient(auth, toasts)
    auth.setCredential('api_key', 'k')
    stubFetch({ 'DELETE /api/voice-messages/7': fail(403, 'FORBIDDEN', 'Forbidden') })
    const err = await voiceMessages.remove(7).catch((e) => e)
    expect(err.handled).toBe(true)
    expect(toasts.toasts.map((t) => t.message)).toEqual(['You do not have permission to delete voice messages.'])
    // A caller's own error toast is skipped for an error that was already shown.
    toasts.error(err, 'Could not delete')
    expect(toasts.toasts).toHaveLength(1)
  })
})

describe('upload (XMLHttpRequest with progress)', () => {
  it('attaches the credential header and reports progress, then resolves the envelope data', async () => {
    withCredential({ kind: 'api_key', value: 'k-up' })
    const instances = []
    class FakeXhr {
      constructor() {
        this.headers = {}
        this.upload = {}
        instances.push(this)
      }
      open(method, url) {
        this.method = method
        this.url = url
      }
      setRequestHeader(k, v) {
        this.headers[k] = v
      }
      send(body) {
        this.body = body
      }
    }
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const progress = []
    const { promise } = upload('/files/upload', new FormData(), { onProgress: (p) => progress.push(p.percent) })
    const xhr = instances[0]
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toBe('/api/files/upload')
    expect(xhr.headers['X-API-Key']).toBe('k-up')
    expect(xhr.withCredentials).toBe(false)
    xhr.upload.onprogress({ lengthComputable: true, loaded: 50, total: 200 })
    xhr.upload.onprogress({ lengthComputable: true, loaded: 200, total: 200 })
    xhr.status = 201
    xhr.responseText = JSON.stringify({ success: true, data: { id: 'f1' } })
    xhr.onload()
    await expect(promise).resolves.toMatchObject({ data: { id: 'f1' } })
    expect(progress).toEqual([25, 100])
  })
})

describe('filenameFromDisposition', () => {
  it('reads plain and RFC 5987 file names', () => {
    expect(filenameFromDisposition('attachment; filename="history.csv"')).toBe('history.csv')
    expect(filenameFromDisposition("attachment; filename*=UTF-8''gr%C3%BC%C3%9Fe.mp3")).toBe('grüße.mp3')
    expect(filenameFromDisposition(null)).toBeNull()
  })
})
