import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import VoiceMessageEditor from './VoiceMessageEditor.vue'
import { configureClient } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { fail, flush, ok, stubFetch } from '@/test/helpers'

const saved = { id: 7, name: 'Reminder', voice_text: 'Hello {{first_name}}', language: 'en-US', voice_rate: 'medium', is_active: true }

function mountEditor(message, routes = {}) {
  const { calls } = stubFetch({
    'GET /api/voice-messages/options': ok({ languages: ['en-US'], voices: [], rates: ['medium', 'fast'], types: ['message', 'reminder'] }),
    'GET /api/files': ok([{ id: 3, filename: 'hold.mp3' }]),
    ...routes,
  })
  const wrapper = mount(VoiceMessageEditor, { props: { message }, global: { stubs: { teleport: true } } })
  return { wrapper, calls }
}

describe('VoiceMessageEditor', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureClient({ getCredential: () => ({ kind: 'api_key', value: 'k' }) })
    useAuthStore().me = { tenant: { id: 't' }, actor: { type: 'api_key' }, permissions: ['manage_voice_messages', 'send_voice'] }
  })

  it('inserts placeholders and asks for a test value for each one', async () => {
    const { wrapper } = mountEditor({})
    await flush()
    await wrapper.get('[data-testid="voice-text-input"]').setValue('Hi ')
    await wrapper.get('[aria-label="Insert {{first_name}}"]').trigger('click')
    await flush()
    expect(wrapper.get('[data-testid="voice-text-input"]').element.value).toBe('Hi {{first_name}}')

    await wrapper.get('#custom-var').setValue('2bad')
    await wrapper.get('#custom-var').trigger('keydown.enter')
    expect(wrapper.text()).toContain('Use letters, digits and _ only')
    expect(wrapper.find('[data-testid="voice-test-first_name"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="voice-file"]').text()).toContain('hold.mp3')
  })

  it('previews the saved message with the test values, and the next message opens without that preview', async () => {
    const { wrapper, calls } = mountEditor(saved, {
      'GET /api/voice-messages/7/preview': ok({ twiml: '<Response><Say>Hello Ann</Say></Response>', missing: [] }),
    })
    await flush()
    await wrapper.get('[data-testid="voice-test-first_name"]').setValue('Ann')
    await wrapper.get('[data-testid="voice-preview"]').trigger('click')
    await flush()
    expect(wrapper.get('[data-testid="voice-twiml"]').text()).toContain('Hello Ann')
    const preview = calls.find((c) => c.url.includes('/preview'))
    expect(preview.url).toContain('first_name=Ann')

    await wrapper.setProps({ message: { ...saved, id: 8 } })
    expect(wrapper.find('[data-testid="voice-twiml"]').exists()).toBe(false)
  })

  it('names the field the API refused', async () => {
    const { wrapper } = mountEditor({}, {
      'POST /api/voice-messages': fail(400, 'VALIDATION_ERROR', 'name is required.', { name: ['Give the message a name.'] }),
    })
    await flush()
    await wrapper.get('[data-testid="voice-form"]').trigger('submit')
    await flush()
    expect(wrapper.text()).toContain('Give the message a name.')
    expect(wrapper.emitted('close')).toBeUndefined()
  })
})
