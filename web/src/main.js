import './style.css'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { captureCredentialFromUrl } from './lib/credentials'
import { captureOperatorKeyFromUrl } from './lib/operatorSession'
import { connectClient } from './api/connect'
import { useAuthStore } from './stores/auth'
import { useToastStore } from './stores/toasts'
import { notifyHost } from './lib/host'

// First of all: take ?apiKey= / ?token= out of the address bar (before the router or anything else sees it).
// Likewise /operator?key= (the operator console exchanges it for a session when it opens, and keeps it nowhere).
captureCredentialFromUrl()
captureOperatorKeyFromUrl()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)

const auth = useAuthStore()
const toasts = useToastStore()
connectClient(auth, toasts)

const router = createAppRouter()
app.use(router)
app.mount('#app')

router.isReady().then(() => notifyHost({ type: 'switchboard:ready' }))
