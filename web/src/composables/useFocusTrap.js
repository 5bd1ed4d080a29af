import { nextTick, onBeforeUnmount, watch } from 'vue'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), audio[controls]'

// Open dialogs, innermost last: only the top one reacts to Escape and Tab.
const stack = []

function onDocumentKeydown(e) {
  const top = stack[stack.length - 1]
  if (top) top.handle(e)
}

/**
 * While `active` is true: move focus into `container` (the element with [autofocus], else the first field),
 * keep Tab inside it, close on Escape (even when focus fell to the page, e.g. a button became disabled),
 * and give focus back to where it was when done.
 */
export function useFocusTrap(container, active, { onEscape } = {}) {
  let previous = null

  function focusables() {
    return container.value ? [...container.value.querySelectorAll(FOCUSABLE)].filter((el) => !el.closest('[hidden]')) : []
  }

  const entry = {
    handle(e) {
      if (e.key === 'Escape' && onEscape) {
        e.preventDefault()
        onEscape()
        return
      }
      if (e.key !== 'Tab') return
      const els = focusables()
      if (!els.length) {
        e.preventDefault()
        return
      }
      const first = els[0]
      const last = els[els.length - 1]
      const inside = container.value?.contains(document.activeElement)
      if (!inside) {
        e.preventDefault()
        ;(e.shiftKey ? last : first).focus()
      } else if (e.shiftKey && document.activeElement === first) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault()
        first.focus()
      }
    },
  }

  function push() {
    if (!stack.length) document.addEventListener('keydown', onDocumentKeydown)
    stack.push(entry)
  }

  function pop() {
    const i = stack.indexOf(entry)
    if (i < 0) return
    stack.splice(i, 1)
    if (!stack.length) document.removeEventListener('keydown', onDocumentKeydown)
  }

  function restore() {
    if (previous && typeof previous.focus === 'function' && document.contains(previous)) previous.focus()
    previous = null
  }

  watch(
    active,
    async (on) => {
      if (on) {
        previous = document.activeElement
        push()
        await nextTick()
        const el = container.value
        if (!el) return
        const target = el.querySelector('[autofocus]') || focusables()[0] || el
        target.focus?.()
      } else if (stack.includes(entry)) {
        pop()
        restore()
      }
    },
    { immediate: true },
  )

  onBeforeUnmount(() => {
    if (stack.includes(entry)) {
      pop()
      restore()
    }
  })
}
