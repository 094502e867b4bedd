import { randomBytes } from 'node:crypto'
import type { ArtifactRef } from '../../engine/schema/artifacts'

/** A random per-process prefix plus a counter: unique across processes without a draw per ref (hot path). */
const prefix = randomBytes(8).toString('hex')
let counter = 0

/** New 32-hex artifact ref. */
export const newArtifactRef = (): ArtifactRef => (prefix + (counter++).toString(16).padStart(16, '0')) as ArtifactRef

/** New 8-hex id (branch ids, episode ids). */
export const newShortId = (): string => randomBytes(4).toString('hex')
