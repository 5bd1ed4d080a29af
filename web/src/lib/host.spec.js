import { describe, expect, it, vi } from 'vitest'
import { isEmbedded, notifyHost } from './host'

describe('notifyHost', () => {
  it('posts to WebView2 (TEdgeBrowser) when top-level in it', () => {
    const post = vi.fn()
    const win = { chrome: { webview: { postMessage: post } } }
    win.parent = win
    expect(isEmbedded(win)).toBe(true)
    expect(notifyHost({ type: 'switchboard:sent', channel: 'sms', id: 'm1' }, win)).toBe(true)
    expect(post).toHaveBeenCalledWith({ type: 'switchboard:sent', channel: 'sms', id: 'm1' })
  })

  it('posts to the parent page, addressed to its origin, inside an iframe', () => {
    const parent = { postMessage: vi.fn() }
    const win = { parent, location: { ancestorOrigins: ['https://vendor.example'] }, document: { referrer: '' } }
    notifyHost({ type: 'switchboard:ready' }, win)
    expect(parent.postMessage).toHaveBeenCalledWith({ type: 'switchboard:ready' }, 'https://vendor.example')
  })

  it('does nothing in a plain browser tab', () => {
    const win = { location: {}, document: {} }
    win.parent = win
    expect(isEmbedded(win)).toBe(false)
    expect(notifyHost({ type: 'switchboard:ready' }, win)).toBe(false)
  })
})
