import { randomBytes } from 'node:crypto'

let lastMs = -1
let seq = 0
let pool = Buffer.alloc(0)
let poolAt = 0

/** 10 random bytes from a pooled draw (one `randomBytes` per 256 ids on the hot path). */
function random10(): Buffer {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(2560)
    poolAt = 0
  }
  const out = pool.subarray(poolAt, poolAt + 10)
  poolAt += 10
  return out
}

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter that keeps ids of the
 * same millisecond in creation order, the variant, then 62 random bits. Ids sort by creation
 * time, so rows keyed by them append to B-trees instead of scattering over pages. Same text
 * shape as `crypto.randomUUID()` (8-4-4-4-12 lower-case hex).
 */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    seq = 0
  } else if (++seq > 0xfff) {
    // 4096 ids in one millisecond: borrow the next millisecond to stay ordered.
    lastMs++
    seq = 0
  }
  const r = random10()
  const ms = lastMs.toString(16).padStart(12, '0')
  const b = Buffer.alloc(10)
  b[0] = 0x70 | (seq >> 8)
  b[1] = seq & 0xff
  b[2] = 0x80 | (r[0]! & 0x3f)
  r.copy(b, 3, 1, 8)
  const hex = b.toString('hex')
  return `${ms.slice(0, 8)}-${ms.slice(8)}-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`
}
