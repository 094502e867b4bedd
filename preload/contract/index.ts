import type { z } from 'zod'
import { appEvents, appInvokes } from './app'
import type { Envelope } from './define'
import { ledgerEvents, ledgerInvokes } from './ledger'
import { chatEvents, chatInvokes } from './chat'
import { branchesInvokes } from './branches'
import { overridesInvokes } from './overrides'
import { artifactsInvokes } from './artifacts'
import { settingsInvokes } from './settings'
import { rolloutsEvents, rolloutsInvokes } from './rollouts'
import { cantonEvents, cantonInvokes } from './canton'
import { logsInvokes } from './logs'
import { bundlesEvents, bundlesInvokes } from './bundles'

/**
 * The IPC contract: every operation the UI can invoke and every event main pushes, one table.
 * Main registers handlers by walking `contract.invokes`; the browser host serves the same table
 * over a WebSocket. A new domain adds its own file and spreads it in here.
 */
export const contract = {
  invokes: { ...appInvokes, ...ledgerInvokes, ...chatInvokes, ...branchesInvokes, ...overridesInvokes, ...artifactsInvokes, ...settingsInvokes, ...rolloutsInvokes, ...cantonInvokes, ...logsInvokes, ...bundlesInvokes },
  events: { ...appEvents, ...ledgerEvents, ...chatEvents, ...rolloutsEvents, ...cantonEvents, ...bundlesEvents },
} as const

export type Contract = typeof contract
export type Invokes = Contract['invokes']
export type Events = Contract['events']
export type InvokeChannel = keyof Invokes & string
export type EventName = keyof Events & string
/** What the caller passes (before defaults/transforms). */
export type InvokeInput<C extends InvokeChannel> = z.input<Invokes[C]['input']>
/** What the handler receives after validation. */
export type ParsedInput<C extends InvokeChannel> = z.output<Invokes[C]['input']>
export type InvokeOutput<C extends InvokeChannel> = z.output<Invokes[C]['output']>
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>

/** Every invoke channel name, in table order. */
export const invokeChannels = Object.keys(contract.invokes) as InvokeChannel[]
/** Every event name, in table order. */
export const eventNames = Object.keys(contract.events) as EventName[]

export const isInvokeChannel = (s: unknown): s is InvokeChannel => typeof s === 'string' && Object.hasOwn(contract.invokes, s)
export const isEventName = (s: unknown): s is EventName => typeof s === 'string' && Object.hasOwn(contract.events, s)

/**
 * The single object the preload exposes as `window.p2engine` (and the shape of the renderer's
 * client transports). `invoke` never rejects for a handler failure: it resolves to an envelope.
 */
export interface Bridge {
  invoke<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<Envelope<InvokeOutput<C>>>
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void
}

export * from './channels'
export * from './define'
export * from './wire'
export * from './app'
export * from './ledger'
export * from './chat'
export * from './branches'
export * from './overrides'
export * from './artifacts'
export * from './settings'
export * from './rollouts'
export * from './canton'
export * from './logs'
export * from './bundles'
export * from './limits'
