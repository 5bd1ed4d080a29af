import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SmsComposer from './SmsComposer.vue'
import { configureClient } from '@/api/client'
import { useToastStore } from '@/stores/toasts'
import { fail, flush, ok, stubFetch } from '@/test/helpers'

function mountComposer() {
  return mount(SmsComposer, { attachTo: document.body })
}
const text = (w, id) => w.get(`[data-testid="${id}"]`).text()

describe('SmsComposer', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureClient({ getCredential: () => ({ kind: 'api_key', value: 'k' }), onForbidden: vi.fn(), onUnauthorized: vi.fn() })
  })

  it('shows encoding and segments live as the message is typed', async () => {
    const w = mountComposer()
    const area = w.get('[data-testid="sms-message"]')

    await area.setValue('a'.repeat(160))
    expect(text(w, 'sms-encoding')).toBe('GSM-7')
    expect(text(w, 'sms-segments')).toBe('1 segment')
    expect(text(w, 'sms-remaining')).toContain('0 left in this segment (of 160)')

    await area.setValue('a'.repeat(161))
    expect(text(w, 'sms-segments')).toBe('2 segments')
    expect(text(w, 'sms-remaining')).toContain('(of 153)')

    await area.setValue('Price 5€')
    expect(text(w, 'sms-characters')).toBe('8 characters')
    expect(text(w, 'sms-remaining')).toContain('151 left') // € counts as two
    expect(w.get('[data-testid="sms-extension-hint"]').text()).toContain('€')

    await area.setValue('a'.repeat(152) + '😀')
    expect(text(w, 'sms-encoding')).toBe('UCS-2')
    expect(text(w, 'sms-segments')).toBe('3 segments')
    expect(w.get('[data-testid="sms-unicode-hint"]').text()).toContain('😀')
    w.unmount()
  })

  it('offers to replace smart quotes that force Unicode', async () => {
    const w = mountComposer()
    await w.get('[data-testid="sms-message"]').setValue('Don’t forget – see you')
    expect(text(w, 'sms-encoding')).toBe('UCS-2')
    await w.get('[data-testid="sms-fix-characters"]').trigger('click')
    expect(w.get('[data-testid="sms-message"]').element.value).toBe("Don't forget - see you")
    expect(text(w, 'sms-encoding')).toBe('GSM-7')
    w.unmount()
  })

  it('detects {{placeholders}}, asks for their values and counts the filled-in text', async () => {
    const w = mountComposer()
    await w.get('[data-testid="sms-message"]').setValue('Hi {{first_name}}, see you at {{time}}')
    expect(w.find('[data-testid="sms-var-first_name"]').exists()).toBe(true)
    expect(w.find('[data-testid="sms-var-time"]').exists()).toBe(true)
    await w.get('[data-testid="sms-var-first_name"]').setValue('Zoë') // ë is not GSM-7
    expect(text(w, 'sms-preview')).toBe('Hi Zoë, see you at {{time}}')
    expect(text(w, 'sms-encoding')).toBe('UCS-2')
    w.unmount()
  })

  it('sends once with an Idempotency-Key, reuses the key on retry, and reports the result', async () => {
    let attempt = 0
    const { calls } = stubFetch({
      'POST /api/communication/sms/send': () =>
        ++attempt === 1
          ? fail(503, 'INTERNAL_ERROR', 'Try again', { correlation_id: 'c1' })
          : ok({ id: 'msg-1', status: 'queued', to: '+15551230000', encoding: 'GSM-7', segments: 1, characters: 9 }),
    })
    const w = mountComposer()
    await w.get('[data-testid="sms-to"]').setValue('+15551230000')
    await w.get('[data-testid="sms-message"]').setValue('Hi {{name}}')
    await w.get('[data-testid="sms-var-name"]').setValue('Ann')

    // Double submit while the first request is in flight sends one request.
    w.get('form').trigger('submit')
    w.get('form').trigger('submit')
    await flush()
    await flush()
    expect(calls).toHaveLength(1)
    expect(useToastStore().toasts.at(-1).message).toContain('c1')

    await w.get('form').trigger('submit')
    await flush()
    await flush()
    expect(calls).toHaveLength(2)
    const k1 = calls[0].init.headers['Idempotency-Key']
    expect(k1).toMatch(/^[0-9a-f-]{36}$/)
    expect(calls[1].init.headers['Idempotency-Key']).toBe(k1) // a retry of the same attempt
    expect(JSON.parse(calls[1].init.body)).toEqual({ to: '+15551230000', message: 'Hi {{name}}', variables: { name: 'Ann' } })
    expect(w.emitted('sent')[0][0]).toMatchObject({ id: 'msg-1', status: 'queued' })
    expect(text(w, 'sms-result')).toContain('+15551230000')
    expect(w.get('[data-testid="sms-message"]').element.value).toBe('') // ready for the next one
    w.unmount()
  })

  it('shows validation messages from the API beside the fields', async () => {
    stubFetch({
      'POST /api/communication/sms/send': fail(400, 'VALIDATION_ERROR', 'Invalid request', { to: ['Not a valid phone number.'] }),
    })
    const w = mountComposer()
    await w.get('[data-testid="sms-to"]').setValue('12')
    await w.get('[data-testid="sms-message"]').setValue('Hello')
    await w.get('form').trigger('submit')
    await flush()
    await flush()
    const to = w.get('[data-testid="sms-to"]')
    expect(to.attributes('aria-invalid')).toBe('true')
    const describedBy = to.attributes('aria-describedby').split(' ')
    const errorEl = describedBy.map((id) => document.getElementById(id)).find((el) => el?.textContent.includes('Not a valid phone number.'))
    expect(errorEl).toBeTruthy()
    w.unmount()
  })

  it('checks required fields before sending', async () => {
    const { calls } = stubFetch({})
    const w = mountComposer()
    await w.get('form').trigger('submit')
    expect(calls).toHaveLength(0)
    expect(w.text()).toContain('Enter the phone number to send to.')
    expect(w.text()).toContain('Write a message.')
    await flush()
    expect(document.activeElement).toBe(w.get('[data-testid="sms-to"]').element) // focus goes to the first problem
    w.unmount()
  })
  it('passes on a spend cap warning after sending, and says plainly when the cap stops a send', async () => {
    const warning = { code: 'SPEND_CAP_NEAR', message: 'This tenant has used 85 % of its monthly spend cap ($85.00 of $100.00 in 2026-12).', details: {} }
    stubFetch({ 'POST /api/communication/sms/send': ok({ id: 7, status: 'queued', to: '+15551230000' }, { warnings: [warning] }) })
    const w = mountComposer()
    await w.get('[data-testid="sms-to"]').setValue('+15551230000')
    await w.get('[data-testid="sms-message"]').setValue('Hello')
    await w.get('form').trigger('submit')
    await flush()
    await flush()
    const toasts = useToastStore().toasts
    expect(toasts.map((t) => t.kind)).toEqual(['success', 'info'])
    expect(toasts[1].message).toContain('85 %')

    stubFetch({
      'POST /api/communication/sms/send': fail(409, 'SPEND_CAP_REACHED', 'The cap is reached.', { cap_usd: 100, spent_usd: 100, send_estimate_usd: 0.0079 }),
    })
    await w.get('[data-testid="sms-to"]').setValue('+15551230000')
    await w.get('[data-testid="sms-message"]').setValue('Hello again')
    await w.get('form').trigger('submit')
    await flush()
    await flush()
    const refused = useToastStore().toasts.at(-1)
    expect(refused.kind).toBe('error')
    expect(refused.message).toContain('limit of $100.00 is reached')
    expect(refused.message).toContain('nothing was sent')
    w.unmount()
  })
})
