import { defineStore } from 'pinia'
import { ref } from 'vue'

/** One promise-based confirm dialog for the whole app: `if (await confirm({...})) ...` */
export const useConfirmStore = defineStore('confirm', () => {
  const current = ref(null)
  let resolver = null

  function ask({ title, message = '', confirmLabel = 'Confirm', cancelLabel = 'Cancel', danger = false }) {
    if (resolver) resolver(false)
    current.value = { title, message, confirmLabel, cancelLabel, danger }
    return new Promise((resolve) => {
      resolver = resolve
    })
  }

  function answer(value) {
    const r = resolver
    resolver = null
    current.value = null
    if (r) r(Boolean(value))
  }

  return { current, ask, answer }
})
