import type { z } from 'zod'
import {
  invokeChannels,
  type Contract,
  type Envelope,
  type InvokeChannel,
  type InvokeOutput,
  type ParsedInput,
} from '../../preload/contract'
import { InternalError } from '../engine/errors'
import { describeIssues, toErrorPayload } from './errors'

/** A handler gets the validated input and returns the output (sync or async); throwing is fine. */
export type Handler<C extends InvokeChannel> = (input: ParsedInput<C>) => Promise<InvokeOutput<C>> | InvokeOutput<C>

/** One handler per contract channel; the type makes a missing one a compile error too. */
export type HandlerTable = { [C in InvokeChannel]: Handler<C> }

/** A validated, error-mapped entry point for one channel. Never rejects. */
export type ChannelCall = (rawInput: unknown) => Promise<Envelope<unknown>>

/** Where registered channels go: `ipcMain.handle`, the WebSocket dispatcher, or a test map. */
export interface Transport {
  handle(channel: InvokeChannel, call: ChannelCall): void
}

export interface RegisterOptions {
  /** Check outputs against the contract too (on by default: only declared fields cross). */
  validateOutput?: boolean
  log?: (msg: string, err: unknown) => void
}

/**
 * Walks the contract and registers every channel on the transport: input validated with zod
 * (bad input → USER_INPUT naming the field), handler called, output checked, errors mapped to
 * `{ ok:false, error:{code,message} }`. Throws at startup if any handler is missing or extra.
 */
export function registerHandlers(
  table: Contract,
  handlers: Partial<Record<string, unknown>>,
  transport: Transport,
  options: RegisterOptions = {},
): InvokeChannel[] {
  const channels = Object.keys(table.invokes) as InvokeChannel[]
  const missing = channels.filter((c) => typeof handlers[c] !== 'function')
  const extra = Object.keys(handlers).filter((c) => !Object.hasOwn(table.invokes, c))
  if (missing.length || extra.length) {
    const parts = [
      missing.length ? `no handler for ${missing.join(', ')}` : '',
      extra.length ? `handlers for unknown channels ${extra.join(', ')}` : '',
    ].filter(Boolean)
    throw new InternalError(`IPC contract and handlers disagree: ${parts.join('; ')}`, 'IPC_CONTRACT')
  }
  const validateOutput = options.validateOutput ?? true
  for (const channel of channels) {
    const spec = table.invokes[channel] as { input: z.ZodType; output: z.ZodType }
    const handler = handlers[channel] as (input: unknown) => unknown
    transport.handle(channel, async (rawInput) => {
      const parsed = spec.input.safeParse(rawInput ?? {})
      if (!parsed.success) return { ok: false, error: { code: 'USER_INPUT', message: describeIssues(channel, parsed.error) } }
      try {
        const data = await handler(parsed.data)
        if (!validateOutput) return { ok: true, data }
        const out = spec.output.safeParse(data)
        if (!out.success) throw new InternalError(`handler for ${channel} returned data that breaks the contract: ${describeIssues(channel, out.error)}`)
        return { ok: true, data: out.data }
      } catch (err) {
        return { ok: false, error: toErrorPayload(err, channel, options.log) }
      }
    })
  }
  return channels
}

/** A transport that keeps calls in a map: the browser host and tests dispatch through it. */
export class MapTransport implements Transport {
  readonly calls = new Map<string, ChannelCall>()

  handle(channel: InvokeChannel, call: ChannelCall): void {
    this.calls.set(channel, call)
  }

  /** Dispatches one call by name; an unknown channel is an error envelope, not a throw. */
  async invoke(channel: string, input: unknown): Promise<Envelope<unknown>> {
    const call = this.calls.get(channel)
    if (!call) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel "${channel}"; expected one of ${invokeChannels.join(', ')}` } }
    return call(input)
  }
}
