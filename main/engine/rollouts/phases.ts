import { BroadcastChannel } from 'node:worker_threads'

/**
 * Live phases of a variant between "handed to a worker" and "stored": the worker thread says when
 * its conversation started (`running`) and when the judges run (`judging`). Sent over a
 * process-wide BroadcastChannel so the task schema and the pool stay as they are; a host that is
 * not listening (the CLI) loses nothing, the stored row stays the truth.
 */
export type LivePhase = 'running' | 'judging'

export interface VariantPhaseMessage {
  rolloutId: string
  team: string
  variantId: string
  phase: LivePhase
}

const CHANNEL = 'p2engine:rollout-variant-phase'
let sender: BroadcastChannel | null = null

/** Tells every listener in this process (any thread) that a variant entered `phase`. Never throws. */
export function postVariantPhase(m: VariantPhaseMessage): void {
  try {
    if (!sender) {
      sender = new BroadcastChannel(CHANNEL)
      // Must not keep a worker thread (or the CLI) alive.
      sender.unref()
    }
    sender.postMessage(m)
  } catch {
    // Progress display only: a lost phase shows as the previous one.
  }
}

const isPhaseMessage = (x: unknown): x is VariantPhaseMessage => {
  const m = x as Partial<VariantPhaseMessage> | null
  return !!m && typeof m.rolloutId === 'string' && typeof m.team === 'string' && typeof m.variantId === 'string' && (m.phase === 'running' || m.phase === 'judging')
}

/** Listens to every variant phase posted in this process; returns the unsubscribe. */
export function onVariantPhase(cb: (m: VariantPhaseMessage) => void): () => void {
  const ch = new BroadcastChannel(CHANNEL)
  ch.unref()
  ch.onmessage = (e) => {
    const data = (e as { data?: unknown }).data
    if (isPhaseMessage(data)) cb(data)
  }
  return () => ch.close()
}
