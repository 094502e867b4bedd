import { AppError, messageOf } from '../engine/errors'
import type { LedgerClient, TransferRequest } from '../engine/ports/ledger'
import type { Logger } from '../engine/ports/logger'
import type { ModelProvider } from '../engine/ports/model'
import type { AgentRef } from '../engine/runtime/context'
import type { EngineEventMap } from '../engine/runtime/events'
import type { EngineEvents } from '../engine/runtime/engine'

/** An error as log fields: its code (when it has one) and message, never a stack for a named error. */
export function errorFields(err: unknown): { err: { code?: string; message: string; stack?: string } } {
  if (err instanceof AppError) return { err: { code: err.code, message: err.message } }
  return { err: { message: messageOf(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) } }
}

/**
 * Logs every model call: model, tokens, cost and latency (info), or the error with its code
 * (warn). Wraps the outermost provider so replayed answers are logged too.
 */
export function loggedModel(inner: ModelProvider, log: Logger): ModelProvider {
  return {
    label: inner.label,
    async complete(request, options) {
      const started = Date.now()
      try {
        const r = await inner.complete(request, options)
        log.info('model call', {
          model: r.model, provider: r.provider, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens,
          costUsd: r.costUsd, latencyMs: r.latencyMs, offline: r.offline, ...(r.replayed ? { replayed: true } : {}),
        })
        return r
      } catch (err) {
        log.warn('model call failed', { model: request.model, latencyMs: Date.now() - started, ...errorFields(err) })
        throw err
      }
    },
  }
}

const LOGGED = Symbol('loggedLedger')

/**
 * Logs the ledger's commands (wallet creation, transfers: command id, parties, amount, result or
 * error); reads are not logged. Everything else passes through unchanged; wrapping twice logs once.
 */
export function loggedLedger(inner: LedgerClient, log: Logger): LedgerClient {
  if ((inner as { [LOGGED]?: boolean })[LOGGED]) return inner
  const transfer = async (req: TransferRequest) => {
    const fields = { from: req.from, to: req.to, amount: req.amount, ...(req.commandId ? { commandId: req.commandId } : {}), ...(req.conversationId ? { conversation: req.conversationId } : {}) }
    try {
      const r = await inner.transfer(req)
      log.info(r.deduplicated ? 'ledger transfer deduplicated' : 'ledger transfer', { ...fields, commandId: r.commandId, transactionId: r.transactionId })
      return r
    } catch (err) {
      log.warn('ledger transfer failed', { ...fields, ...errorFields(err) })
      throw err
    }
  }
  const createWallet: LedgerClient['createWallet'] = async (req) => {
    try {
      const r = await inner.createWallet(req)
      if (r.created) log.info('ledger wallet created', { agent: req.agent, backend: inner.backend })
      return r
    } catch (err) {
      log.warn('ledger wallet creation failed', { agent: req.agent, ...errorFields(err) })
      throw err
    }
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'transfer') return transfer
      if (prop === 'createWallet') return createWallet
      if (prop === LOGGED) return true
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

/**
 * Logs a conversation's life from the engine's events: turn start (a user message) and end (the
 * root agent's answer), tool calls, delegations and step failures. Message texts are not logged,
 * only their length. Returns the unsubscribe.
 */
export function logEngineEvents(events: EngineEvents, log: Logger): () => void {
  const at = (r: AgentRef) => ({ conversation: r.conversationId, agent: r.agentId, branch: r.branch })
  const handlers: { [K in keyof EngineEventMap]?: (...a: EngineEventMap[K]) => void } = {
    entry: (e) => {
      const s = e.entry.state
      if (s.kind === 'user_message') log.info('turn started', { ...at(e), chars: s.text.length })
    },
    answer: (e) => log.info(e.root ? 'turn finished' : 'agent answered', { ...at(e), chars: e.text.length }),
    'tool:start': (e) => log.debug('tool call started', { ...at(e), tool: e.name, callId: e.callId }),
    'tool:end': (e) => {
      const fields = { ...at(e), tool: e.name, callId: e.callId, ms: e.ms, status: e.outcome.status }
      if (e.outcome.status === 'error') log.warn('tool call failed', { ...fields, err: { code: e.outcome.error.code, message: e.outcome.error.message } })
      else log.info('tool call', { ...fields, cached: e.outcome.cached })
    },
    delegated: (e) => log.info('delegated', { ...at(e), child: e.child, correlationId: e.correlationId }),
    error: (e) => log.error('engine step failed', { step: e.key.replace(/\u0000/g, ' '), ...errorFields(e.error) }),
  }
  const entries = Object.entries(handlers) as [keyof EngineEventMap, (...a: unknown[]) => void][]
  const emitter = events as unknown as { on(n: string, f: (...a: unknown[]) => void): void; off(n: string, f: (...a: unknown[]) => void): void }
  for (const [name, fn] of entries) emitter.on(name, fn)
  return () => { for (const [name, fn] of entries) emitter.off(name, fn) }
}
