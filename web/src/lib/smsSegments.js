// SMS encoding and segment count, as Twilio counts them (see docs/twilio.md, "SMS segments and encodings"):
// - GSM-7 if every character is in the basic table or the extension table, otherwise UCS-2 for the whole message.
// - GSM-7: 160 septets in one segment, 153 per segment when split; extension characters take 2 septets
//   (ESC + char) and are never split across two segments.
// - UCS-2: 70 UTF-16 code units in one segment, 67 per segment when split; a surrogate pair (emoji) is 2 units
//   and is never split across two segments.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM_EXTENSION = '\f^{}\\[~]|€'

const basicSet = new Set(GSM_BASIC)
const extensionSet = new Set(GSM_EXTENSION)

export const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
}

/** Septets a character costs in GSM-7, or 0 when it is not a GSM-7 character. */
export function gsmCost(char) {
  if (basicSet.has(char)) return 1
  if (extensionSet.has(char)) return 2
  return 0
}

export function isGsmExtension(char) {
  return extensionSet.has(char)
}

/** Characters of `text` (by code point, de-duplicated, in order) that are not GSM-7. */
export function nonGsmCharacters(text) {
  const seen = new Set()
  for (const ch of text) if (!gsmCost(ch)) seen.add(ch)
  return [...seen]
}

/** Characters of `text` (de-duplicated) that are in the GSM-7 extension table and so count as two. */
export function extensionCharacters(text) {
  const seen = new Set()
  for (const ch of text) if (extensionSet.has(ch)) seen.add(ch)
  return [...seen]
}

/**
 * Split a list of unit costs into segments of `perSegment` units; an item never straddles two segments.
 * Returns the units used in each segment.
 */
function pack(costs, perSegment) {
  const segments = []
  let used = 0
  for (const cost of costs) {
    if (used + cost > perSegment) {
      segments.push(used)
      used = 0
    }
    used += cost
  }
  segments.push(used)
  return segments
}

/**
 * @param {string} text
 * @returns {{encoding:'GSM-7'|'UCS-2', characters:number, units:number, segments:number,
 *            perSegment:number, remaining:number}}
 *   characters: user-visible characters (code points); units: septets (GSM-7) or UTF-16 code units (UCS-2);
 *   perSegment: capacity of a segment at this length; remaining: units left in the last segment.
 */
export function countSms(text) {
  const value = text ?? ''
  const chars = [...value]
  const characters = chars.length
  const gsm = chars.every((ch) => gsmCost(ch) > 0)
  const encoding = gsm ? 'GSM-7' : 'UCS-2'
  const costs = gsm ? chars.map(gsmCost) : chars.map((ch) => ch.length)
  const units = costs.reduce((a, b) => a + b, 0)
  const limit = LIMITS[encoding]

  if (units === 0) {
    return { encoding, characters, units, segments: 0, perSegment: limit.single, remaining: limit.single }
  }
  if (units <= limit.single) {
    return { encoding, characters, units, segments: 1, perSegment: limit.single, remaining: limit.single - units }
  }
  const parts = pack(costs, limit.multi)
  return {
    encoding,
    characters,
    units,
    segments: parts.length,
    perSegment: limit.multi,
    remaining: limit.multi - parts[parts.length - 1],
  }
}

// Look-alikes that word processors insert; replacing them keeps a message in GSM-7 (like Twilio's Smart Encoding).
const LOOKALIKES = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u2033': '"',
  '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-', '\u2010': '-', '\u2011': '-',
  '\u2026': '...', '\u00A0': ' ', '\u2002': ' ', '\u2003': ' ', '\u2009': ' ', '\u200B': '',
  '\u00AB': '"', '\u00BB': '"', '\u2022': '-', '\u00B4': "'", '\u02BC': "'",
}

/** Replace typographic look-alikes with plain GSM-7 characters. */
export function replaceLookalikes(text) {
  let out = ''
  for (const ch of text ?? '') out += ch in LOOKALIKES ? LOOKALIKES[ch] : ch
  return out
}

export function hasLookalikes(text) {
  for (const ch of text ?? '') if (ch in LOOKALIKES) return true
  return false
}
