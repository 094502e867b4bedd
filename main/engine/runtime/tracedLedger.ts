import { SpanKind, type Context, type Span } from '@opentelemetry/api'
import type { CreateWalletRequest, LedgerClient, TransferRequest } from '../ports/ledger'
import { engineTracer, failSpan } from './traceKit'

async function traced<T>(ledger: LedgerClient, parent: Context, name: string, attrs: Record<string, string>, run: () => Promise<T>, after: (span: Span, r: T) => void): Promise<T> {
  const span = engineTracer().startSpan(`ledger ${name}`, { kind: SpanKind.CLIENT, attributes: { 'p2engine.ledger.backend': ledger.backend, 'p2engine.ledger.command': name, ...attrs } }, parent)
  try {
    const r = await run()
    after(span, r)
    return r
  } catch (err) {
    failSpan(span, err)
    throw err
  } finally {
    span.end()
  }
}

/**
 * The ledger as a tool call sees it: every command (wallet creation, transfer) is a `ledger
 * <command>` span under `parent` (the tool call's span) with its command id, amount, parties and
 * backend; reads pass through untraced. Built per traced tool call only (see `tracing.ts`).
 */
export function tracedLedger(ledger: LedgerClient, parent: Context): LedgerClient {
  return {
    backend: ledger.backend,
    status: () => ledger.status(),
    getWallet: (agent) => ledger.getWallet(agent),
    listWallets: () => ledger.listWallets(),
    walletVersions: (agent) => ledger.walletVersions(agent),
    history: (agent, limit) => ledger.history(agent, limit),
    metrics: () => ledger.metrics(),
    events: (query) => ledger.events(query),
    audit: () => ledger.audit(),
    ...(ledger.revision ? { revision: () => ledger.revision!() } : {}),
    close: () => ledger.close(),
    createWallet: (req: CreateWalletRequest) =>
      traced(ledger, parent, 'create_wallet', { 'p2engine.ledger.to': req.agent, 'p2engine.ledger.amount': req.initialBalance, ...(req.commandId ? { 'p2engine.ledger.command_id': req.commandId } : {}) },
        () => ledger.createWallet(req),
        (span, r) => span.setAttributes({ 'p2engine.ledger.created': r.created, ...(r.transactionId ? { 'p2engine.ledger.transaction_id': r.transactionId } : {}) })),
    transfer: (req: TransferRequest) =>
      traced(ledger, parent, 'transfer', { 'p2engine.ledger.from': req.from, 'p2engine.ledger.to': req.to, 'p2engine.ledger.amount': req.amount, ...(req.commandId ? { 'p2engine.ledger.command_id': req.commandId } : {}) },
        () => ledger.transfer(req),
        (span, r) => span.setAttributes({ 'p2engine.ledger.command_id': r.commandId, 'p2engine.ledger.transaction_id': r.transactionId, 'p2engine.ledger.deduplicated': r.deduplicated })),
  }
}
