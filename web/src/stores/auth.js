import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as authApi from '@/api/auth'
import { readCredential, removeCredential, writeCredential } from '@/lib/credentials'
import { notifyHost } from '@/lib/host'

export const ALL_PERMISSIONS = [
  'send_sms',
  'send_voice',
  'manage_voice_messages',
  'manage_files',
  'view_logs',
  'manage_users',
  'manage_settings',
]

export const useAuthStore = defineStore('auth', () => {
  const tenantId = ref(null)
  /** @type {import('vue').Ref<{kind:'api_key'|'bearer', value:string}|null>} */
  const credential = ref(null)
  /** `/api/auth/me`: {tenant, actor, permissions} */
  const me = ref(null)
  const meLoading = ref(false)
  const meError = ref(null)
  /** Set by a 401: the UI shows "Your session has expired…" with a sign-in form. */
  const sessionExpired = ref(false)
  /** Bumped after signing in again so the page re-fetches its data. */
  const sessionVersion = ref(0)

  const permissions = computed(() => new Set(me.value?.permissions ?? []))
  const actor = computed(() => me.value?.actor ?? null)
  const isSignedInUser = computed(() => credential.value?.kind === 'bearer' && actor.value?.type === 'user')

  function can(permission) {
    return permissions.value.has(permission)
  }
  function canAny(list) {
    return !list || list.length === 0 || list.some((p) => permissions.value.has(p))
  }

  /** Switch to the tenant of the route; reads that tenant's credential for this tab. */
  function selectTenant(id) {
    if (tenantId.value === id) return
    tenantId.value = id
    credential.value = readCredential(id)
    me.value = null
    meError.value = null
    sessionExpired.value = false
  }

  function setCredential(kind, value) {
    credential.value = { kind, value }
    writeCredential(tenantId.value, credential.value)
  }

  function clearCredential() {
    credential.value = null
    removeCredential(tenantId.value)
  }

  let mePromise = null
  async function loadMe({ force = false } = {}) {
    if (me.value && !force) return me.value
    if (mePromise) return mePromise
    meLoading.value = true
    meError.value = null
    mePromise = authApi
      .me()
      .then((data) => {
        me.value = data
        return data
      })
      .catch((e) => {
        meError.value = e
        throw e
      })
      .finally(() => {
        meLoading.value = false
        mePromise = null
      })
    return mePromise
  }

  /** Sign in with username and password; stores the token as this tab's bearer credential. */
  async function login(username, password) {
    const data = await authApi.login({ tenantId: tenantId.value, username, password })
    setCredential('bearer', data.token)
    sessionExpired.value = false
    me.value = null
    await loadMe()
    sessionVersion.value++
    return data
  }

  function logout() {
    clearCredential()
    me.value = null
  }

  /** Any call answered 401: the credential is no good any more. */
  function handleUnauthorized() {
    const hadCredential = Boolean(credential.value)
    clearCredential()
    me.value = null
    if (!sessionExpired.value) {
      sessionExpired.value = true
      if (hadCredential) notifyHost({ type: 'switchboard:auth-required' })
    }
  }

  return {
    tenantId,
    credential,
    me,
    meLoading,
    meError,
    sessionExpired,
    sessionVersion,
    permissions,
    actor,
    isSignedInUser,
    can,
    canAny,
    selectTenant,
    setCredential,
    clearCredential,
    loadMe,
    login,
    logout,
    handleUnauthorized,
  }
})
