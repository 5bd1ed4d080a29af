import { describe, expect, it } from 'vitest'
import { useSubmission } from './useSubmission'

describe('useSubmission', () => {
  it('is busy while the action runs and answers what it answered', async () => {
    const { busy, error, run } = useSubmission()
    let release
    const running = run(() => new Promise((resolve) => (release = resolve)))
    expect(busy.value).toBe(true)
    release('saved')
    expect(await running).toBe('saved')
    expect(busy.value).toBe(false)
    expect(error.value).toBeNull()
  })

  it('keeps the error of a failed action and clears it at the next try', async () => {
    const { busy, error, run } = useSubmission()
    const refused = new Error('refused')
    expect(await run(() => Promise.reject(refused))).toBeUndefined()
    expect(error.value).toBe(refused)
    expect(busy.value).toBe(false)
    await run(() => Promise.resolve('ok'))
    expect(error.value).toBeNull()
  })

  it('ignores a second submit while the first runs', async () => {
    const { run } = useSubmission()
    let calls = 0
    let release
    const first = run(() => {
      calls++
      return new Promise((resolve) => (release = resolve))
    })
    expect(await run(() => calls++)).toBeUndefined()
    release()
    await first
    expect(calls).toBe(1)
  })
})
