import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '@/App.vue'
import { createAppRouter } from '@/router'
import { connectClient } from '@/api/connect'
import { useAuthStore } from '@/stores/auth'
import { useToastStore } from '@/stores/toasts'
import { fail, flush, ok, stubFetch } from '@/test/helpers'

const me = (permissions) => ({ tenant: { id: 'acme', name: 'Acme Dental' }, actor: { type: 'api_key' }, permissions })
const profile = (simulated) => ({ id: 'acme', name: 'Acme Dental', simulated, settings: { time_zone: 'UTC' } })

async function mountAt(path) {
  const pinia = createPinia()
  setActivePinia(pinia)
  connectClient(useAuthStore(), useToastStore())
  const router = createAppRouter(createMemoryHistory())
  router.push(path)
  await router.isReady()
  const wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
  for (let i = 0; i < 5; i++) await flush()
  return { wrapper, router }
}

describe('admin shell', () => {
  beforeEach(() => {
    sessionStorage.clear()
    document.body.innerHTML = ''
    vi.stubGlobal('scrollTo', vi.fn()) // the router restores scroll; jsdom has no layout
  })

  it('sends a visitor without a credential to the sign-in page of the tenant', async () => {
    stubFetch({})
    const { wrapper, router } = await mountAt('/admin/acme/logs')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/admin/acme/logs')
    expect(wrapper.find('[data-testid="login-form"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the tenant name, the Simulation badge and only the pages the actor may use', async () => {
    sessionStorage.setItem('switchboard.credential.acme', JSON.stringify({ kind: 'api_key', value: 'k' }))
    stubFetch({
      'GET /api/auth/me': ok(me(['send_sms', 'view_logs'])),
      'GET /api/tenant/profile': ok(profile(true)),
      'GET /api/tenant/usage': ok({ by_channel: {}, total_cost: 0, currency: 'USD', days: [] }),
      'GET /api/communication/history': ok([]),
    })
    const { wrapper } = await mountAt('/admin/acme')
    expect(wrapper.get('[data-testid="tenant-name"]').text()).toBe('Acme Dental')
    expect(wrapper.find('[data-testid="simulation-badge"]').exists()).toBe(true)
    const nav = wrapper.findAll('nav[aria-label="Main"] a').map((a) => a.attributes('data-testid'))
    expect(nav).toEqual(['nav-dashboard', 'nav-sms', 'nav-campaigns', 'nav-logs'])
    wrapper.unmount()
  })

  it('has no Simulation badge for a live tenant', async () => {
    sessionStorage.setItem('switchboard.credential.acme', JSON.stringify({ kind: 'api_key', value: 'k' }))
    stubFetch({
      'GET /api/auth/me': ok(me([])),
      'GET /api/tenant/profile': ok(profile(false)),
    })
    const { wrapper } = await mountAt('/admin/acme')
    expect(wrapper.find('[data-testid="simulation-badge"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows the session-expired screen with a sign-in form when the credential is refused', async () => {
    sessionStorage.setItem('switchboard.credential.acme', JSON.stringify({ kind: 'bearer', value: 'expired' }))
    stubFetch({
      'GET /api/auth/me': fail(401, 'UNAUTHORIZED', 'Token expired'),
      'GET /api/tenant/profile': fail(401, 'UNAUTHORIZED', 'Token expired'),
    })
    const { wrapper } = await mountAt('/admin/acme/sms')
    const screen = wrapper.get('[data-testid="session-expired"]')
    expect(screen.text()).toContain('Your session has expired or the link is no longer valid')
    expect(screen.find('[data-testid="login-form"]').exists()).toBe(true)
    expect(sessionStorage.getItem('switchboard.credential.acme')).toBeNull()
    wrapper.unmount()
  })

  it('tells the actor when a page needs a permission they lack', async () => {
    sessionStorage.setItem('switchboard.credential.acme', JSON.stringify({ kind: 'api_key', value: 'k' }))
    stubFetch({ 'GET /api/auth/me': ok(me(['send_sms'])), 'GET /api/tenant/profile': ok(profile(false)) })
    const { wrapper } = await mountAt('/admin/acme/users')
    expect(wrapper.find('[data-testid="no-access"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
