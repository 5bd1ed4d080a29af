// Messages to the Delphi host (see web/README.md):
// - top-level in WebView2 (TEdgeBrowser): window.chrome.webview.postMessage → OnWebMessageReceived
// - inside an iframe: window.parent.postMessage to the embedding page
export function isEmbedded(win = window) {
  return win.parent !== win || Boolean(win.chrome?.webview)
}

function parentOrigin(win) {
  try {
    const ancestors = win.location.ancestorOrigins
    if (ancestors && ancestors.length) return ancestors[0]
  } catch {
    /* not supported */
  }
  try {
    if (win.document.referrer) return new URL(win.document.referrer).origin
  } catch {
    /* no referrer */
  }
  return '*'
}

/** Post `message` to the host; does nothing when Switchboard is not embedded. Returns true when posted. */
export function notifyHost(message, win = window) {
  try {
    if (win.parent && win.parent !== win) {
      win.parent.postMessage(message, parentOrigin(win))
      return true
    }
    if (win.chrome?.webview?.postMessage) {
      win.chrome.webview.postMessage(message)
      return true
    }
  } catch {
    /* a host that cannot receive must never break the UI */
  }
  return false
}
