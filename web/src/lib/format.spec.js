import { describe, expect, it } from 'vitest'
import { addDays, dateInZone, formatBytes, formatDuration, truncate, zonedLocalToUtcIso } from './format'
import { extractVariables, fillTemplate, insertAt } from './template'
import { describeError } from './errorMessages'
import { failureReason } from './twilioErrors'
import { normalizeOrigin } from './origins'
import { ApiError } from '@/api/client'

describe('time zones', () => {
  it('turns a wall-clock time in the tenant zone into a UTC instant', () => {
    expect(zonedLocalToUtcIso('2025-01-15T09:30', 'America/New_York')).toBe('2025-01-15T14:30:00Z') // EST
    expect(zonedLocalToUtcIso('2025-07-15T09:30', 'America/New_York')).toBe('2025-07-15T13:30:00Z') // EDT
    expect(zonedLocalToUtcIso('2025-07-15T09:30', 'Europe/Berlin')).toBe('2025-07-15T07:30:00Z')
    expect(zonedLocalToUtcIso('2025-07-15T09:30', 'UTC')).toBe('2025-07-15T09:30:00Z')
    expect(zonedLocalToUtcIso('', 'UTC')).toBeNull()
  })

  it('finds the calendar date of an instant in a zone', () => {
    expect(dateInZone('2025-03-01T03:00:00Z', 'America/Los_Angeles')).toBe('2025-02-28')
    expect(dateInZone('2025-03-01T03:00:00Z', 'Asia/Tokyo')).toBe('2025-03-01')
    expect(addDays('2025-03-01', -29)).toBe('2025-01-31')
  })
})

describe('formatting', () => {
  it('formats sizes, durations and long text', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB')
    expect(formatDuration(75)).toBe('1:15')
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('😀😀😀', 5)).toBe('😀😀😀')
  })
})

describe('templates', () => {
  it('finds placeholders once each, fills known values, inserts at the caret', () => {
    expect(extractVariables('Hi {{ first_name }}, {{time}} {{first_name}} {{bad-name}}')).toEqual(['first_name', 'time'])
    expect(fillTemplate('Hi {{name}} at {{time}}', { name: 'Ann', time: '' })).toBe('Hi Ann at {{time}}')
    expect(insertAt('Hello !', '{{name}}', 6)).toEqual({ text: 'Hello {{name}}!', caret: 14 })
  })
})

describe('errors in words', () => {
  it('explains Twilio codes and statuses', () => {
    expect(failureReason({ error_code: 21610, error_description: 'The recipient has opted out by replying STOP.' })).toMatch(/opted out/)
    expect(failureReason({ error_code: '30007', error_message: 'Message filtered' })).toMatch(/filtered/)
    expect(failureReason({ status: 'no-answer' })).toBe('Nobody answered the call.')
    expect(failureReason({ error_code: 99999 })).toBe('Twilio error 99999.')
  })

  it('describes API errors by code', () => {
    const twilio = new ApiError({ status: 502, code: 'TWILIO_ERROR', message: 'The phone number is not valid.', details: { twilio_code: 21211 } })
    expect(describeError(twilio)).toMatch(/not valid.*\(Twilio error 21211\)/)
    const media = new ApiError({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'x', details: { reason: 'not an MP3' } })
    expect(describeError(media)).toBe('This file type is not supported: not an MP3. Upload an MP3 or WAV file.')
    const limited = new ApiError({ status: 429, code: 'RATE_LIMITED', message: 'slow down' })
    expect(describeError(limited)).toMatch(/Too many requests/)
  })
})

describe('embed origins', () => {
  it('accepts scheme://host[:port] only', () => {
    expect(normalizeOrigin('https://app.example.com/')).toBe('https://app.example.com')
    expect(normalizeOrigin('http://localhost:8080')).toBe('http://localhost:8080')
    expect(normalizeOrigin('https://app.example.com/path')).toBeNull()
    expect(normalizeOrigin('app.example.com')).toBeNull()
    expect(normalizeOrigin('javascript:alert(1)')).toBeNull()
  })
})
