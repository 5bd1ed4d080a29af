import { configureClient } from './client'

/** Wire the API client to the auth store (credential, 401) and toasts (403). Used by main.js and tests. */
export function connectClient(auth, toasts) {
  configureClient({
    getCredential: () => auth.credential,
    onUnauthorized: () => auth.handleUnauthorized(),
    onForbidden: (error, action) => toasts.error(`You do not have permission to ${action || 'do this'}.`),
  })
}
