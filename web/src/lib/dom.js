import { nextTick } from 'vue'

/** After a failed submit, move focus to the first field marked invalid so keyboard and screen-reader users land on it. */
export async function focusFirstInvalid(root) {
  await nextTick()
  const el = root?.querySelector?.('[aria-invalid="true"]')
  if (el && typeof el.focus === 'function') el.focus()
}
