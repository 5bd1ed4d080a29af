import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import FileUploader from './FileUploader.vue'
import { configureClient } from '@/api/client'

class FakeXhr {
  static instances = []
  constructor() {
    this.headers = {}
    this.upload = {}
    FakeXhr.instances.push(this)
  }
  open(method, url) {
    this.method = method
    this.url = url
  }
  setRequestHeader(k, v) {
    this.headers[k] = v
  }
  send(body) {
    this.body = body
  }
  abort() {
    this.onabort?.()
  }
  respond(status, body) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload()
  }
}

function audio(name, size = 1000, type = 'audio/mpeg') {
  return new File([new Uint8Array(size)], name, { type })
}

async function pick(wrapper, files) {
  const input = wrapper.get('[data-testid="upload-input"]')
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
}

describe('FileUploader', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    FakeXhr.instances = []
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    configureClient({ getCredential: () => ({ kind: 'bearer', value: 'tok' }), onForbidden: vi.fn(), onUnauthorized: vi.fn() })
  })

  it('uploads a picked file as multipart with its metadata and shows real progress', async () => {
    const w = mount(FileUploader)
    await w.get('[data-testid="upload-description"]').setValue('Main greeting')
    await w.get('#up-tags').setValue('greeting, day')
    await pick(w, [audio('hello.mp3')])

    const xhr = FakeXhr.instances[0]
    expect(xhr.url).toBe('/api/files/upload')
    expect(xhr.headers.Authorization).toBe('Bearer tok')
    expect(xhr.body.get('file').name).toBe('hello.mp3')
    expect(xhr.body.get('description')).toBe('Main greeting')
    expect(xhr.body.get('tag_list')).toBe('greeting, day')

    xhr.upload.onprogress({ lengthComputable: true, loaded: 300, total: 1000 })
    await w.vm.$nextTick()
    const bar = w.get('[data-testid="upload-progress"]')
    expect(bar.attributes('role')).toBe('progressbar')
    expect(bar.attributes('aria-valuenow')).toBe('30')
    expect(w.text()).toContain('30%')

    xhr.respond(201, { success: true, data: { id: 'f1', filename: 'hello.mp3' } })
    await new Promise((r) => setTimeout(r))
    expect(w.get('[data-testid="upload-progress"]').attributes('aria-valuenow')).toBe('100')
    expect(w.get('[data-testid="upload-item"]').attributes('data-status')).toBe('done')
    expect(w.emitted('uploaded')[0][0]).toEqual({ id: 'f1', filename: 'hello.mp3' })
  })

  it('shows the API error in words', async () => {
    const w = mount(FileUploader)
    await pick(w, [audio('big.wav', 2000, 'audio/wav')])
    FakeXhr.instances[0].respond(409, {
      success: false,
      error: { code: 'QUOTA_EXCEEDED', message: 'Quota exceeded', details: { remaining_bytes: 1536 } },
    })
    await new Promise((r) => setTimeout(r))
    expect(w.get('[data-testid="upload-error"]').text()).toBe('Not enough storage left: 1.5 KB remaining. Delete unused files first.')
  })

  it('leaves the format to the server and refuses only empty files and files that do not fit the quota', async () => {
    const w = mount(FileUploader, { props: { remainingBytes: 500 } })
    await pick(w, [audio('empty.mp3', 0), audio('long.mp3', 800), audio('greeting.aiff', 10, 'audio/aiff')])
    expect(FakeXhr.instances).toHaveLength(1)
    expect(FakeXhr.instances[0].body.get('file').name).toBe('greeting.aiff')
    const errors = w.findAll('[data-testid="upload-error"]').map((e) => e.text())
    expect(errors[0]).toBe('The file is empty.')
    expect(errors[1]).toContain('Not enough storage left')
  })

  it('shows the server\'s reason when it finds a file is not audio, whatever its name', async () => {
    const w = mount(FileUploader)
    await pick(w, [audio('notes.txt', 10, 'text/plain')])
    expect(FakeXhr.instances[0].body.get('file').name).toBe('notes.txt')
    FakeXhr.instances[0].respond(415, {
      success: false,
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The file is text, not audio.', details: { reason: 'the file is text, not audio', filename: 'notes.txt' } },
    })
    await new Promise((r) => setTimeout(r))
    expect(w.get('[data-testid="upload-error"]').text()).toContain('the file is text, not audio')
  })

  it('uploads several files one after the other and can cancel', async () => {
    const w = mount(FileUploader)
    await pick(w, [audio('a.mp3'), audio('b.mp3')])
    expect(FakeXhr.instances).toHaveLength(1)
    const items = () => w.findAll('[data-testid="upload-item"]').map((i) => i.attributes('data-status'))
    expect(items()).toEqual(['uploading', 'waiting'])
    await w.get('[aria-label="Cancel upload of a.mp3"]').trigger('click')
    await new Promise((r) => setTimeout(r))
    expect(items()).toEqual(['error', 'uploading'])
    expect(FakeXhr.instances).toHaveLength(2)
    expect(FakeXhr.instances[1].body.get('file').name).toBe('b.mp3')
  })
})
