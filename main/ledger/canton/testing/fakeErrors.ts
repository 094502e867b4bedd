import { createHash } from 'node:crypto'
import type { components } from '../generated/ledgerApi'

type S = components['schemas']

/** A `JsCantonError` body. */
export function cantonError(code: string, cause: string, errorCategory: number, grpcCodeValue: number, context: Record<string, string> = {}): S["JsCantonError"] {
  return { code, cause, errorCategory, grpcCodeValue, context, correlationId: createHash('sha1').update(cause).digest('hex').slice(0, 8) }
}

/** A rejection carried as an HTTP status and a `JsCantonError` body. */
export class DamlRejection extends Error {
  constructor(readonly status: number, readonly error: S['JsCantonError']) {
    super(error.cause)
  }
}

