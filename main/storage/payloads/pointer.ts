/**
 * A payload kept outside its row is replaced there by a pointer: a NUL character, `p2blob:`,
 * the SHA-256 of the UTF-8 text and its byte length. No JSON text starts with NUL; a text/plain
 * payload that did would be stored outside its row too (see `S3PayloadStore.put`), so every stored
 * form that parses as a pointer is one.
 */
const PREFIX = '\u0000p2blob:sha256:'
const POINTER = /^\u0000p2blob:sha256:([0-9a-f]{64}):(\d+)$/

export interface PayloadPointer {
  sha256: string
  size: number
}

/** Cheap test for the hot path: one character comparison for every inline payload. */
export const looksLikePointer = (stored: string): boolean => stored.charCodeAt(0) === 0 && stored.startsWith(PREFIX)

export const formatPointer = (p: PayloadPointer): string => `${PREFIX}${p.sha256}:${p.size}`

/** The pointer in `stored`, or null for an inline payload. */
export function parsePointer(stored: string): PayloadPointer | null {
  if (!looksLikePointer(stored)) return null
  const m = POINTER.exec(stored)
  return m ? { sha256: m[1]!, size: Number(m[2]) } : null
}
