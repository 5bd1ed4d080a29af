import { createRouter, createWebHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import AdminLayout from '@/components/layout/AdminLayout.vue'

// Each page is its own chunk; `permissions` lists what an actor needs for the page (any of them).
export const routes = [
  { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { public: true, title: 'Switchboard' } },
  {
    path: '/admin/:tenantId/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { title: 'Sign in' },
  },
  {
    path: '/admin/:tenantId',
    component: AdminLayout,
    children: [
      { path: '', name: 'dashboard', component: () => import('@/views/DashboardView.vue'), meta: { title: 'Dashboard', nav: true } },
      {
        path: 'campaigns',
        name: 'campaigns',
        component: () => import('@/views/CampaignsView.vue'),
        meta: { title: 'Campaigns', permissions: ['send_sms'] },
      },
      {
        path: 'voice',
        name: 'voice',
        component: () => import('@/views/VoiceView.vue'),
        meta: { title: 'Voice messages', permissions: ['manage_voice_messages', 'send_voice'] },
      },
      {
        path: 'sms',
        name: 'sms',
        component: () => import('@/views/SmsView.vue'),
        meta: { title: 'SMS', permissions: ['send_sms'] },
      },
      {
        path: 'files',
        name: 'files',
        component: () => import('@/views/FilesView.vue'),
        meta: { title: 'Audio files', permissions: ['manage_files'] },
      },
      {
        path: 'logs',
        name: 'logs',
        component: () => import('@/views/LogsView.vue'),
        meta: { title: 'Logs', permissions: ['view_logs'] },
      },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('@/views/SettingsView.vue'),
        meta: { title: 'Settings', permissions: ['manage_settings'] },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('@/views/UsersView.vue'),
        meta: { title: 'Users', permissions: ['manage_users'] },
      },
    ],
  },
  {
    // The vendor's console: its own sign-in (the operator key, exchanged for a session), outside the tenant guard.
    // The server serves /operator only when an operator key is configured.
    path: '/operator',
    component: () => import('@/views/operator/OperatorLayout.vue'),
    meta: { operator: true, title: 'Operator console' },
    children: [
      { path: '', name: 'operator', component: () => import('@/views/operator/OperatorOverviewView.vue'), meta: { title: 'Tenants · Operator' } },
      {
        path: 'tenants/:tenantId',
        name: 'operator-tenant',
        component: () => import('@/views/operator/OperatorTenantView.vue'),
        meta: { title: 'Tenant · Operator' },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { public: true, title: 'Not found' } },
]

/** Pages of the admin area need a credential for the tenant of the path; without one, the sign-in page. */
export function authGuard(to) {
  if (to.meta.public || to.meta.operator) return true
  const auth = useAuthStore()
  auth.selectTenant(String(to.params.tenantId))
  if (to.name === 'login') {
    return auth.credential ? { name: 'dashboard', params: { tenantId: to.params.tenantId } } : true
  }
  if (!auth.credential && !auth.sessionExpired) {
    const redirect = to.fullPath === `/admin/${encodeURIComponent(to.params.tenantId)}` ? undefined : to.fullPath
    return { name: 'login', params: { tenantId: to.params.tenantId }, query: redirect ? { redirect } : {} }
  }
  return true
}

export function createAppRouter(history = createWebHistory('/')) {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (to, from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(authGuard)
  router.afterEach((to) => {
    document.title = to.meta.title && to.meta.title !== 'Switchboard' ? `${to.meta.title} · Switchboard` : 'Switchboard'
  })
  return router
}
