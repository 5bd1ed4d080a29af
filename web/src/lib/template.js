// `{{name}}` placeholders in SMS and voice texts.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g

/** Variable names in order of first use, without duplicates. */
export function extractVariables(text) {
  const names = []
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!names.includes(m[1])) names.push(m[1])
  return names
}

/** Replace placeholders that have a non-empty value; leave the others as they are. */
export function fillTemplate(text, values = {}) {
  return (text ?? '').replace(PLACEHOLDER, (whole, name) => {
    const v = values[name]
    return v === undefined || v === null || v === '' ? whole : String(v)
  })
}

export function isValidVariableName(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
}

/** Insert `snippet` into `text` at the selection, returning the new text and caret position. */
export function insertAt(text, snippet, start, end = start) {
  const s = Math.max(0, Math.min(start ?? text.length, text.length))
  const e = Math.max(s, Math.min(end ?? s, text.length))
  return { text: text.slice(0, s) + snippet + text.slice(e), caret: s + snippet.length }
}
