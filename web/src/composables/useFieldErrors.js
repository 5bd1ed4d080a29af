import { ref } from 'vue'
import { fieldErrors } from '@/api/client'

/** Keep the last ApiError of a form and read its per-field validation messages. */
export function useFieldErrors() {
  const error = ref(null)
  function errs(...fields) {
    return fields.flatMap((f) => fieldErrors(error.value, f))
  }
  function set(e) {
    error.value = e
  }
  function clear() {
    error.value = null
  }
  return { error, errs, set, clear }
}
