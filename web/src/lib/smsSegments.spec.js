import { describe, expect, it } from 'vitest'
import { countSms, extensionCharacters, nonGsmCharacters, replaceLookalikes, gsmCost } from './smsSegments'

const a = (n) => 'a'.repeat(n)

describe('countSms: GSM-7', () => {
  it('counts an empty message as zero segments', () => {
    expect(countSms('')).toMatchObject({ encoding: 'GSM-7', units: 0, segments: 0, remaining: 160 })
  })

  it('fits 160 GSM-7 characters in one segment', () => {
    expect(countSms(a(160))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1, remaining: 0 })
  })

  it('needs two segments for 161 characters (153 per segment once split)', () => {
    const r = countSms(a(161))
    expect(r).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153 })
    expect(r.remaining).toBe(153 - 8)
  })

  it('fits 306 characters in two segments and needs three for 307', () => {
    expect(countSms(a(306)).segments).toBe(2)
    expect(countSms(a(307)).segments).toBe(3)
  })

  it('treats accented Latin letters of the basic table as GSM-7', () => {
    expect(countSms('Grüße à Zoë? ¿Ñandú? Ødegård £5 €').encoding).toBe('UCS-2') // ß ok, but ë and ú are not GSM-7
    expect(countSms('Hallo Jürgen, Ihr Termin: 12:30 @ Praxis Müller. £5 ¥ §').encoding).toBe('GSM-7')
  })

  it('counts extension-table characters as two septets', () => {
    for (const ch of ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f']) expect(gsmCost(ch)).toBe(2)
    const r = countSms('Price: 5€ [net]')
    expect(r.encoding).toBe('GSM-7')
    expect(r.characters).toBe(15)
    expect(r.units).toBe(18)
  })

  it('lets 159 characters plus € overflow into two segments', () => {
    expect(countSms(a(158) + '€').segments).toBe(1) // 160 septets
    expect(countSms(a(159) + '€').segments).toBe(2) // 161 septets
  })

  it('never splits an extension character across two segments', () => {
    // 152 + 2 + 152 = 306 septets: 2 segments by arithmetic, but € cannot straddle segments 1 and 2.
    const r = countSms(a(152) + '€' + a(152))
    expect(r.units).toBe(306)
    expect(r.segments).toBe(3)
    expect(r.remaining).toBe(152)
  })

  it('lists the characters that count double', () => {
    expect(extensionCharacters('a{b}c{')).toEqual(['{', '}'])
  })
})

describe('countSms: UCS-2', () => {
  it('fits 70 UCS-2 characters in one segment', () => {
    expect(countSms('ж'.repeat(70))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1, remaining: 0 })
  })

  it('needs two segments for 71 (67 per segment once split)', () => {
    expect(countSms('ж'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67, remaining: 63 })
  })

  it('switches the whole message to UCS-2 for a single non-GSM character', () => {
    const r = countSms(a(100) + '’')
    expect(r.encoding).toBe('UCS-2')
    expect(r.segments).toBe(2)
    expect(nonGsmCharacters(a(3) + '’“')).toEqual(['’', '“'])
  })

  it('counts an emoji as two UTF-16 code units but one character', () => {
    const r = countSms('Hi 😀')
    expect(r).toMatchObject({ encoding: 'UCS-2', characters: 4, units: 5, segments: 1 })
    expect(countSms('😀'.repeat(35)).segments).toBe(1) // 70 units
    expect(countSms('😀'.repeat(36)).segments).toBe(2) // 72 units
  })

  it('makes 152 GSM characters plus one emoji three segments', () => {
    const r = countSms(a(152) + '😀')
    expect(r).toMatchObject({ encoding: 'UCS-2', units: 154, segments: 3 })
  })

  it('never splits a surrogate pair across two segments', () => {
    const r = countSms('ж'.repeat(66) + '😀' + 'ж'.repeat(66)) // 134 units: 66 | 2+65 | 1
    expect(r.segments).toBe(3)
  })
})

describe('replaceLookalikes', () => {
  it('turns smart quotes, dashes and ellipses into GSM-7 characters', () => {
    const fixed = replaceLookalikes('“Don’t” – see you…')
    expect(fixed).toBe('"Don\'t" - see you...')
    expect(countSms(fixed).encoding).toBe('GSM-7')
  })
})
