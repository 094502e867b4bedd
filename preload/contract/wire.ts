import { z } from 'zod'
import { ErrorPayloadSchema } from './define'

/**
 * WebSocket frames of the browser host. The client sends `invoke` frames with its own id; the
 * server answers each with a `result` frame carrying the same envelope Electron IPC returns, and
 * pushes `event` frames for every contract event.
 */
export const ClientFrameSchema = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  input: z.unknown(),
})
export type ClientFrame = z.infer<typeof ClientFrameSchema>

export const ResultFrameSchema = z.object({
  type: z.literal('result'),
  id: z.number().int().nonnegative(),
  result: z.union([
    z.object({ ok: z.literal(true), data: z.unknown() }),
    z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
  ]),
})
export type ResultFrame = z.infer<typeof ResultFrameSchema>

export const EventFrameSchema = z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() })
export type EventFrame = z.infer<typeof EventFrameSchema>

export const ServerFrameSchema = z.discriminatedUnion('type', [ResultFrameSchema, EventFrameSchema])
export type ServerFrame = z.infer<typeof ServerFrameSchema>

/** Path of the WebSocket endpoint; the token rides in its query string. */
export const WS_PATH = '/ws'
