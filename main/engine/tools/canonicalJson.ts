import { createHash } from 'node:crypto'

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Two values that
 * are equal as JSON give the same text, so it can key caches, dedup sets and recordings.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value)) ?? 'null'
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortDeep(v)))
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortDeep(v)
    }
    return out
  }
  return value
}

/** Hex SHA-256 of a text (UTF-8). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Hex SHA-256 of the canonical JSON of `value`. */
export const hashCanonical = (value: unknown): string => sha256Hex(canonicalJson(value))
