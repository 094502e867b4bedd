import { z } from 'zod'
import type { ErrorPayload } from '../../preload/contract'
import { AppError, messageOf } from '../engine/errors'
import { storageErrorOf } from '../storage/faults'

/** Turns zod issues into one line naming each field, the value's problem and what was expected. */
export function describeIssues(channel: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
  return `invalid input for ${channel}: ${parts.join('; ')}`
}

/**
 * Maps anything thrown by a handler to the wire error. AppErrors keep their code and message;
 * anything else is a bug: logged in main with its stack, sent as INTERNAL without internals.
 */
export function toErrorPayload(err: unknown, channel: string, log: (msg: string, err: unknown) => void = defaultLog): ErrorPayload {
  if (err instanceof AppError) return { code: err.code, message: err.message }
  const storage = storageErrorOf(err, 'the P2Engine database') // one that escaped the store's mapping
  if (storage) return { code: storage.code, message: storage.message }
  if (err instanceof z.ZodError) return { code: 'USER_INPUT', message: describeIssues(channel, err) }
  log(`unexpected error in ${channel}`, err)
  return { code: 'INTERNAL', message: `Unexpected error in ${channel}: ${messageOf(err)}. This is a bug; the log has details.` }
}

const defaultLog = (msg: string, err: unknown): void => console.error(msg, err)
