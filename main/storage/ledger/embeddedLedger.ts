import { z } from 'zod'
import { LedgerError } from '../../engine/errors'
import { addUnits, formatDecimal, parseDecimal } from '../../engine/ledger/decimal'
import { checkAgentId, checkCommandId, checkInitialBalance, checkTransfer } from '../../engine/ledger/validate'
import type {
  AuditReport,
  CreateWalletRequest,
  CreateWalletResult,
  EventQuery,
  LedgerClient,
  LedgerEvent,
  LedgerStatus,
  SystemMetrics,
  TransferRecord,
  TransferRequest,
  TransferResult,
  Wallet,
} from '../../engine/ports/ledger'
import { defineJsonColumn } from '../jsonColumn'
import type { SqliteStore } from '../sqliteStore'
import { auditLedger } from './audit'
import { applyTransfers, type TransferItem, type TransferOutcome } from './transferBatch'
import { newCommandId, newContractId, newTransactionId } from './ids'
import { prepareLedgerStatements, type LedgerStatements, type RecordRow, type TxRow, type WalletRow } from './statements'

/** Details of a wallet creation (or migration) event. */
const WalletDetailsColumn = defineJsonColumn({
  name: 'ledger wallet event',
  version: 1,
  schema: z.object({ agent: z.string(), initialBalance: z.string(), contractId: z.string() }),
})

const EventDetailsColumn = defineJsonColumn({ name: 'ledger event details', version: 1, schema: z.record(z.string(), z.unknown()) })

const toWallet = (r: WalletRow): Wallet => ({
  contractId: r.contract_id,
  party: r.party,
  agent: r.agent,
  balance: r.balance,
  created: r.created,
  createdTx: r.created_tx,
  archivedTx: r.archived_tx,
})

const toRecord = (r: RecordRow): TransferRecord => ({
  contractId: r.contract_id,
  party: r.party,
  fromAgent: r.from_agent,
  toAgent: r.to_agent,
  amount: r.amount,
  reason: r.reason,
  timestamp: r.timestamp,
  transactionId: r.tx_id,
})

export interface EmbeddedLedgerOptions {
  /** The one party that signs every contract (config `ledger.party_id`). */
  party: string
  /** Clock in unix seconds (tests pin it). */
  now?: () => number
}

/**
 * The default ledger: the Daml model of `Ledger.daml` on SQLite. Every command is one
 * `BEGIN IMMEDIATE` transaction, so concurrent writers in other threads or processes queue up
 * and a rejected command leaves no trace. Archived contract versions stay in the tables.
 */
export class EmbeddedLedger implements LedgerClient {
  readonly backend = 'embedded' as const
  private readonly st: LedgerStatements
  private readonly party: string
  private readonly now: () => number
  private readonly queue: (TransferItem & { resolve: (r: TransferResult) => void; reject: (e: unknown) => void })[] = []
  private readonly batchTxn

  constructor(
    private readonly store: SqliteStore,
    options: EmbeddedLedgerOptions,
  ) {
    this.st = prepareLedgerStatements(store.db)
    this.party = options.party
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000))
    // Built once: creating a better-sqlite3 transaction wrapper per call costs more than the SQL.
    this.batchTxn = store.db.transaction((items: TransferItem[]) =>
      applyTransfers(this.st, this.party, items, (txId, volume, count) => this.bumpMetrics(txId, volume, count, 0n)),
    )
  }

  async status(): Promise<LedgerStatus> {
    return { backend: 'embedded', party: this.party, ready: true, detail: `SQLite ${this.store.location}` }
  }

  async createWallet(req: CreateWalletRequest): Promise<CreateWalletResult> {
    return this.createWalletSync(req)
  }

  /** Synchronous core of {@link createWallet}; also used by benchmarks and migrations. */
  createWalletSync(req: CreateWalletRequest, kind: 'wallet_created' | 'wallet_migrated' = 'wallet_created'): CreateWalletResult {
    const agent = checkAgentId(req.agent)
    const balance = checkInitialBalance(req.initialBalance)
    const commandId = req.commandId === undefined ? newCommandId() : checkCommandId(req.commandId)
    return this.store.write(() => {
      const prior = this.st.commandResult.get(this.party, commandId)
      if (prior) {
        if (prior.kind === 'transfer_executed') {
          throw new LedgerError(`command id ${commandId} was already used for a transfer`, 'DUPLICATE_COMMAND')
        }
        const { contractId } = WalletDetailsColumn.decode(prior.details)
        const row = this.st.walletVersions.all(this.party, agent).find((w) => w.contract_id === contractId)
        if (!row) throw new LedgerError(`command ${commandId} was already used for a different command`, 'DUPLICATE_COMMAND')
        return { wallet: toWallet(row), created: false, transactionId: row.created_tx }
      }
      const existing = this.st.activeWallet.get(this.party, agent)
      if (existing) return { wallet: toWallet(existing), created: false, transactionId: null }
      const txId = newTransactionId()
      const contractId = newContractId()
      const created = this.now()
      const text = formatDecimal(balance)
      this.st.insertTx.run(
        txId, commandId, this.party, kind, agent, null, new Date().toISOString(),
        WalletDetailsColumn.encode({ agent, initialBalance: text, contractId }),
      )
      const version = this.st.walletVersions.all(this.party, agent).length + 1
      this.st.insertWallet.run(contractId, this.party, agent, text, created, version, txId)
      this.bumpMetrics(txId, 0n, 0, balance)
      const row = this.st.activeWallet.get(this.party, agent)!
      return { wallet: toWallet(row), created: true, transactionId: txId }
    })
  }

  async getWallet(agent: string): Promise<Wallet | null> {
    const row = this.st.activeWallet.get(this.party, checkAgentId(agent))
    return row ? toWallet(row) : null
  }

  async listWallets(): Promise<Wallet[]> {
    return this.st.activeWallets.all(this.party).map(toWallet)
  }

  async walletVersions(agent: string): Promise<Wallet[]> {
    return this.st.walletVersions.all(this.party, checkAgentId(agent)).map(toWallet)
  }

  /**
   * Exercises `Transfer`. Transfers submitted in the same tick are group-committed: one SQLite
   * transaction in which each transfer is checked before it writes, so a rejected one leaves
   * nothing behind and the others commit.
   */
  async transfer(req: TransferRequest): Promise<TransferResult> {
    const checked = checkTransfer(req, this.now)
    return new Promise<TransferResult>((resolve, reject) => {
      if (this.queue.push({ checked, req, resolve, reject }) === 1) setImmediate(() => this.flush())
    })
  }

  private flush(): void {
    const items = this.queue.splice(0)
    let outcomes: TransferOutcome[]
    try {
      outcomes = this.batchTxn.immediate(items)
    } catch (err) {
      for (const item of items) item.reject(err)
      return
    }
    outcomes.forEach((o, i) => ('ok' in o ? items[i]!.resolve(o.ok) : items[i]!.reject(o.err)))
  }

  /** Synchronous {@link transfer}: its own transaction, committed before it returns. */
  transferSync(req: TransferRequest): TransferResult {
    const [outcome] = this.batchTxn.immediate([{ checked: checkTransfer(req, this.now), req }])
    if ('err' in outcome!) throw outcome.err
    return outcome!.ok
  }

  /** `UpdateMetrics`: the party's SystemMetrics gets the new totals. */
  private bumpMetrics(txId: string, volume: bigint, count: number, minted: bigint): void {
    const m = this.st.activeMetrics.get(this.party)
    this.st.upsertMetrics.run(
      this.party,
      m?.contract_id ?? newContractId(),
      formatDecimal(addUnits(m ? parseDecimal(m.total_volume) : 0n, volume)),
      (m?.transaction_count ?? 0) + count,
      this.now(),
      formatDecimal(addUnits(m ? parseDecimal(m.minted) : 0n, minted)),
      txId,
    )
  }

  async history(agent?: string, limit = 100): Promise<TransferRecord[]> {
    const n = Math.max(0, Math.floor(limit))
    const rows = agent === undefined
      ? this.st.historyAll.all(this.party, n)
      : this.st.historyOf.all({ party: this.party, agent: checkAgentId(agent), limit: n })
    return rows.map(toRecord)
  }

  async metrics(): Promise<SystemMetrics> {
    const wallets = this.st.activeWallets.all(this.party)
    const total = wallets.reduce((sum, w) => addUnits(sum, parseDecimal(w.balance)), 0n)
    const m = this.st.activeMetrics.get(this.party)
    return {
      party: this.party,
      walletCount: wallets.length,
      totalBalance: formatDecimal(total),
      transactionCount: m?.transaction_count ?? 0,
      totalVolume: m?.total_volume ?? '0.0',
      averageBalance: formatDecimal(wallets.length ? total / BigInt(wallets.length) : 0n),
      mintedTotal: m?.minted ?? '0.0',
      lastUpdated: m?.last_updated ?? 0,
    }
  }

  async events(query: EventQuery = {}): Promise<LedgerEvent[]> {
    const where = ['act_as = ?']
    const args: unknown[] = [this.party]
    if (query.sinceIso) { where.push('committed_at >= ?'); args.push(new Date(query.sinceIso).toISOString()) }
    if (query.type) { where.push('kind = ?'); args.push(query.type) }
    if (query.agent) { where.push('(agent_a = ? OR agent_b = ?)'); args.push(query.agent, query.agent) }
    args.push(Math.max(0, Math.floor(query.limit ?? 50)))
    const rows = this.store.db
      .prepare(`SELECT * FROM ledger_transactions WHERE ${where.join(' AND ')} ORDER BY offset DESC LIMIT ?`)
      .all(...args) as TxRow[]
    return rows.map((r) => ({
      offset: r.offset,
      transactionId: r.tx_id,
      commandId: r.command_id,
      type: r.kind as LedgerEvent['type'],
      at: r.committed_at,
      details: EventDetailsColumn.decode(r.details),
    }))
  }

  /** The offset of the last committed transaction (any party, any process): changes on every commit. */
  async revision(): Promise<string> {
    return String(this.st.lastOffset.get() ?? 0)
  }

  async audit(): Promise<AuditReport> {
    // One read transaction so the check sees a consistent snapshot while writers go on.
    return this.store.db.transaction(() =>
      auditLedger({
        versions: this.st.allWalletVersions.all(this.party),
        records: this.st.allRecords.all(this.party),
        transactions: this.st.allTx.all(this.party),
        metrics: this.st.activeMetrics.get(this.party) ?? null,
      }),
    )()
  }

  async close(): Promise<void> {
    // The store belongs to the composition root, which closes it.
  }
}
