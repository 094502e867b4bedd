import { randomBytes } from 'node:crypto'

/**
 * Contract, transaction and command ids. A random per-process prefix plus a counter keeps
 * them unique across processes and threads without a random draw per id (hot path).
 */
let prefix: string | undefined // drawn on first use: a command that only reads never pays for it
let counter = 0

const next = (): string => (prefix ??= randomBytes(8).toString('hex')) + (counter++).toString(16).padStart(8, '0')

/** Canton-style hex contract id (`00…`). */
export const newContractId = (): string => '00' + next()
/** Canton-style update id (`1220…`). */
export const newTransactionId = (): string => '1220' + next()
/** Generated command id for writes that did not bring one. */
export const newCommandId = (): string => 'cmd-' + next()
