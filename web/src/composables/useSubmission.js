import { ref } from 'vue'

/**
 * A form's submission: `busy` while it runs (a second submit meanwhile is ignored), `error` it ended with, cleared at
 * each new try. `run(action)` answers what the action answered, or undefined when it failed or was already running.
 */
export function useSubmission() {
  const busy = ref(false)
  const error = ref(null)

  async function run(action) {
    if (busy.value) return undefined
    busy.value = true
    error.value = null
    try {
      return await action()
    } catch (e) {
      error.value = e
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, error, run }
}
