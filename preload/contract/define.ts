import { z } from 'zod'

/**
 * Building blocks of the IPC contract. Pure: imports only zod, so main, preload, renderer, the
 * browser host and tests all share the same table.
 */

/** One request/response operation: `domain:verb`. */
export interface InvokeSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I
  readonly output: O
  /** One line for docs and the contract test report. */
  readonly summary: string
}

/** One pushed event: `domain:pastTense`. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P
  readonly summary: string
}

/** Declares an invoke entry. */
export const defineInvoke = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): InvokeSpec<I, O> => ({
  summary,
  input,
  output,
})

/** Declares an event entry. */
export const defineEvent = <P extends z.ZodType>(summary: string, payload: P): EventSpec<P> => ({ summary, payload })

/** An operation that takes no arguments still takes an (empty) object, so every call has the same shape. */
export const NoInput = z.object({}).strict()

/** What crosses the boundary when a handler fails. Electron drops every error field but the message. */
export const ErrorPayloadSchema = z.object({
  code: z.string(),
  message: z.string(),
})
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>

/** Every invoke resolves to one of these; nothing is ever thrown across the boundary. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload }

/** Schema of an envelope around `data` (the wire format of results). */
export const envelopeSchema = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: ErrorPayloadSchema })])
