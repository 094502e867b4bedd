import { randomBytes } from 'node:crypto'
import type { ArtifactRef } from '../../engine/schema/artifacts'

/** A random per-process prefix plus a counter: unique across processes without a draw per ref (hot path). */
const prefix = randomBytes(8).toString('hex')
let counter = 0

/** New 32-hex artifact ref. */
export const newArtifactRef = (): ArtifactRef => (prefix + (counter++).toString(16).padStart(16, '0')) as ArtifactRef

/** Random bytes drawn 4 KiB at a time: one synchronous draw per 1,024 ids, not one per id. */
let pool = Buffer.alloc(0)
let at = 0

/** New 8-hex id (branch ids, episode ids). */
export const newShortId = (): string => {
  if (at + 4 > pool.length) {
    pool = randomBytes(4096)
    at = 0
  }
  at += 4
  return pool.toString('hex', at - 4, at)
}
