import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import VoiceMessageCard from './VoiceMessageCard.vue'
import ConfirmDialog from '@/components/common/ConfirmDialog.vue'
import { configureClient } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { useVoiceMessagesStore } from '@/stores/voiceMessages'
import { useToastStore } from '@/stores/toasts'
import { fail, flush, ok, stubFetch } from '@/test/helpers'

const message = {
  id: 7,
  name: 'Appointment reminder',
  voice_text: 'Hello {{first_name}}, this is a reminder of your appointment tomorrow at {{time}}. '.repeat(3),
  voice: 'Polly.Joanna',
  voice_rate: 'slow',
  voice_type: 'reminder',
  is_active: true,
  created_at: '2025-03-01T10:00:00Z',
  updated_at: '2025-03-02T10:00:00Z',
}

function setup(permissions = ['manage_voice_messages', 'send_voice']) {
  const auth = useAuthStore()
  auth.me = { tenant: { id: 't' }, actor: { type: 'api_key' }, permissions }
  const store = useVoiceMessagesStore()
  store.items = [{ ...message }, { id: 8, name: 'Other' }]
  // The card and the app-wide confirm dialog, as in the app.
  const wrapper = mount(
    { components: { VoiceMessageCard, ConfirmDialog }, template: '<div><VoiceMessageCard :message="m" @edit="$emit(\'edit\', $event)" @test-call="$emit(\'test-call\', $event)" /><ConfirmDialog /></div>', data: () => ({ m: message }), emits: ['edit', 'test-call'] },
    { attachTo: document.body },
  )
  return { wrapper, store }
}

const confirmButton = () => document.querySelector('[data-testid="confirm-ok"]')
const cancelButton = () => document.querySelector('[data-testid="confirm-cancel"]')

describe('VoiceMessageCard', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureClient({ getCredential: () => ({ kind: 'api_key', value: 'k' }), onForbidden: vi.fn(), onUnauthorized: vi.fn() })
    document.body.innerHTML = ''
  })

  it('shows name, truncated text, voice and rate', () => {
    const { wrapper } = setup()
    expect(wrapper.text()).toContain('Appointment reminder')
    const shown = wrapper.get('[data-testid="voice-text"]').text()
    expect(shown.length).toBeLessThanOrEqual(120)
    expect(shown.endsWith('…')).toBe(true)
    expect(wrapper.text()).toContain('Polly.Joanna')
    expect(wrapper.text()).toContain('slow')
    wrapper.unmount()
  })

  it('emits edit and test-call with the message', async () => {
    const { wrapper } = setup()
    await wrapper.get('[data-testid="voice-edit"]').trigger('click')
    await wrapper.get('[data-testid="voice-test-call"]').trigger('click')
    expect(wrapper.emitted('edit')[0][0]).toMatchObject({ id: 7 })
    expect(wrapper.emitted('test-call')[0][0]).toMatchObject({ id: 7 })
    wrapper.unmount()
  })

  it('duplicates through the API and inserts the copy after the original', async () => {
    const { calls } = stubFetch({ 'POST /api/voice-messages/7/duplicate': ok({ id: 9, name: 'Appointment reminder (copy)' }) })
    const { wrapper, store } = setup()
    await wrapper.get('[data-testid="voice-duplicate"]').trigger('click')
    await flush()
    expect(calls).toHaveLength(1)
    expect(store.items.map((m) => m.id)).toEqual([7, 9, 8])
    expect(useToastStore().toasts.at(-1)).toMatchObject({ kind: 'success' })
    wrapper.unmount()
  })

  it('asks before deleting; Cancel keeps the message', async () => {
    const { calls } = stubFetch({})
    const { wrapper, store } = setup()
    await wrapper.get('[data-testid="voice-delete"]').trigger('click')
    await flush()
    expect(document.querySelector('[data-testid="confirm-dialog"]').textContent).toContain('Appointment reminder')
    cancelButton().click()
    await flush()
    expect(calls).toHaveLength(0)
    expect(store.items).toHaveLength(2)
    expect(document.querySelector('[data-testid="confirm-dialog"]')).toBeNull()
    wrapper.unmount()
  })

  it('deletes after confirmation', async () => {
    const { calls } = stubFetch({ 'DELETE /api/voice-messages/7': ok(null) })
    const { wrapper, store } = setup()
    await wrapper.get('[data-testid="voice-delete"]').trigger('click')
    await flush()
    confirmButton().click()
    await flush()
    await flush()
    expect(calls.map((c) => c.method)).toEqual(['DELETE'])
    expect(store.items.map((m) => m.id)).toEqual([8])
    wrapper.unmount()
  })

  it('explains a failed delete in words', async () => {
    stubFetch({ 'DELETE /api/voice-messages/7': fail(409, 'CONFLICT', 'This message is used by a scheduled call') })
    const { wrapper, store } = setup()
    await wrapper.get('[data-testid="voice-delete"]').trigger('click')
    await flush()
    confirmButton().click()
    await flush()
    await flush()
    expect(store.items).toHaveLength(2)
    expect(useToastStore().toasts.at(-1)).toMatchObject({ kind: 'error', message: 'Could not delete the voice message: This message is used by a scheduled call' })
    wrapper.unmount()
  })

  it('hides actions the actor lacks permission for', () => {
    const { wrapper } = setup(['send_voice'])
    expect(wrapper.find('[data-testid="voice-edit"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="voice-delete"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="voice-test-call"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
