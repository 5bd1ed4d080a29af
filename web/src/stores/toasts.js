import { defineStore } from 'pinia'
import { ref } from 'vue'
import { describeError } from '@/lib/errorMessages'

let nextId = 1

export const useToastStore = defineStore('toasts', () => {
  /** @type {import('vue').Ref<Array<{id:number, kind:'success'|'error'|'info', message:string}>>} */
  const toasts = ref([])
  const timers = new Map()

  function dismiss(id) {
    toasts.value = toasts.value.filter((t) => t.id !== id)
    clearTimeout(timers.get(id))
    timers.delete(id)
  }

  function push(kind, message, timeout) {
    const id = nextId++
    toasts.value = [...toasts.value.slice(-4), { id, kind, message }]
    if (timeout > 0) timers.set(id, setTimeout(() => dismiss(id), timeout))
    return id
  }

  const success = (message) => push('success', message, 5000)
  const info = (message) => push('info', message, 6000)

  /**
   * Toast an error in words. Errors a central handler already showed (401 screen, 403 toast) are skipped.
   * @param {any} error ApiError, Error or string
   * @param {string} [fallback] what failed, e.g. "Could not send the SMS"
   */
  function error(errorOrMessage, fallback) {
    if (errorOrMessage && typeof errorOrMessage === 'object' && errorOrMessage.handled) return null
    const message = typeof errorOrMessage === 'string' ? errorOrMessage : describeError(errorOrMessage, fallback)
    return push('error', message, 10000)
  }

  return { toasts, push, success, info, error, dismiss }
})
