import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as operatorApi from '@/api/operator'
import { readOperatorSession, removeOperatorSession, writeOperatorSession } from '@/lib/operatorSession'
import { describeError } from '@/lib/errorMessages'

/**
 * The operator console's session: signs in by exchanging the operator key for a session token (the key itself is
 * dropped at once), keeps the token for this tab, and ends it on sign-out or on any 401.
 */
export const useOperatorStore = defineStore('operator', () => {
  const session = ref(readOperatorSession())
  const signingIn = ref(false)
  const signInError = ref('')
  /** Set by a 401 while signed in: the console shows the sign-in form with a note. */
  const expired = ref(false)
  /** The server has no operator console (no operator key configured): 404 on the session exchange. */
  const unavailable = ref(false)

  const token = computed(() => session.value?.token ?? null)
  const signedIn = computed(() => Boolean(token.value))

  async function signIn(key) {
    const trimmed = (key ?? '').trim()
    signInError.value = ''
    if (!trimmed) {
      signInError.value = 'Enter the operator key.'
      return false
    }
    signingIn.value = true
    try {
      const started = await operatorApi.startSession(trimmed)
      session.value = { token: started.token, expires_at: started.expires_at }
      writeOperatorSession(session.value)
      expired.value = false
      return true
    } catch (e) {
      if (e?.status === 404) unavailable.value = true
      signInError.value =
        e?.status === 401
          ? 'That operator key is not valid.'
          : e?.status === 404
            ? 'The operator console is not enabled on this server.'
            : describeError(e, 'Could not sign in')
      return false
    } finally {
      signingIn.value = false
    }
  }

  function forget() {
    session.value = null
    removeOperatorSession()
  }

  async function signOut() {
    try {
      if (token.value) await operatorApi.endSession()
    } catch {
      /* signed out here whatever the server says */
    } finally {
      forget()
      expired.value = false
    }
  }

  function handleUnauthorized() {
    const had = signedIn.value
    forget()
    if (had) expired.value = true
  }

  return { session, token, signedIn, signingIn, signInError, expired, unavailable, signIn, signOut, handleUnauthorized }
})

/** Wire the operator API client to the store (main.js and tests). */
export function connectOperatorClient(store) {
  operatorApi.configureOperatorClient({
    getToken: () => store.token,
    onUnauthorized: () => store.handleUnauthorized(),
  })
}
