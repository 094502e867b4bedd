import { LedgerError } from '../../engine/errors'
import { addUnits, formatDecimal, parseDecimal } from '../../engine/ledger/decimal'
import { checkAgentId, checkCommandId, checkInitialBalance, checkTransfer, type CheckedTransfer } from '../../engine/ledger/validate'
import { checkReplay, firstTransferOf } from '../../engine/ledger/commandIds'
import type {
  AuditReport, CreateWalletRequest, CreateWalletResult, EventQuery, LedgerClient, LedgerEvent, LedgerStatus,
  SystemMetrics, TransferRecord, TransferRequest, TransferResult, Wallet,
} from '../../engine/ports/ledger'
import { auditLedger } from '../../storage/ledger/audit'
import { newCommandId } from '../../storage/ledger/ids'
import type { WalletRow } from '../../storage/ledger/statements'
import type { CantonAuth } from './auth'
import { CantonCallError, classify, toLedgerError } from './errors'
import type { components } from './generated/ledgerApi'
import { call, createLedgerApi, defaultSleep, withRetry, type LedgerApi, type RetryOptions } from './http'
import { LedgerProjection, type TransferOutcome } from './projection'
import { resolveParty } from './party'
import { uploadDar } from './dar'
import { ErrorRing } from './errorRing'
import { checkUserId, ensureUser, type EnsuredUser } from './user'
import { AgentWalletArgs, TEMPLATE, templateOf, workflowIdOf, type CommandKind } from './templates'

type JsTransaction = components['schemas']['JsTransaction']
type Command = components['schemas']['Command']

export interface CantonLedgerOptions {
  /** JSON Ledger API base URL, e.g. `http://127.0.0.1:7575`. */
  baseUrl: string
  auth?: CantonAuth
  /** Configured party id (`ledger.party_id`); the party is reused by hint or allocated. */
  party: string
  /** Ledger API user that submits (part of the deduplication change id). */
  userId?: string
  /** DAR to upload on first use (the managed sandbox passes `--dar` itself). */
  darPath?: string
  now?: () => number
  retry?: Partial<RetryOptions>
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
}

const UPDATES_PAGE = 500

/**
 * The ledger port on Canton's JSON Ledger API v2: wallets are `AgentWallet` contracts found by
 * querying the active contract set (Daml 3 has no keys; this backend keeps one wallet per
 * agent), transfers exercise `Transfer` via submit-and-wait, history/events/audit come from the
 * party's updates. Command ids are the callers' idempotency keys; transaction ids are update ids.
 */
export class CantonLedger implements LedgerClient {
  readonly backend = 'canton' as const
  readonly api: LedgerApi
  private readonly retry: RetryOptions
  private readonly now: () => number
  /** The Ledger API user that submits (created with rights on the party at first use). */
  readonly userId: string
  /** The most recent failed calls to the JSON API (newest last). */
  readonly recentErrors = new ErrorRing()
  /** What the first use did to the user (created, or rights granted); undefined before it. */
  ensuredUser?: EnsuredUser
  private init?: Promise<string>
  private projection?: LedgerProjection
  private syncedTo = 0
  private syncing?: Promise<void>
  private writes: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: CantonLedgerOptions) {
    this.api = createLedgerApi({
      baseUrl: options.baseUrl, auth: options.auth, timeoutMs: options.timeoutMs, fetch: options.fetch,
      onCallError: (e) => this.recentErrors.record(e),
    })
    this.retry = { attempts: options.retry?.attempts ?? 5, delayMs: options.retry?.delayMs ?? 500, sleep: options.retry?.sleep ?? defaultSleep }
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000))
    this.userId = checkUserId(options.userId ?? 'p2engine')
  }

  /** The JSON Ledger API base URL this client talks to. */
  get baseUrl(): string {
    return this.options.baseUrl
  }

  /**
   * Uploads the DAR (when configured), resolves or allocates the party, then makes sure the user
   * exists with CanActAs/CanReadAs on it; once per client.
   */
  party(): Promise<string> {
    this.init ??= withRetry('connect to the Canton ledger', this.options.baseUrl, this.retry, async () => {
      if (this.options.darPath) await uploadDar(this.api, this.options.darPath)
      const party = await resolveParty(this.api, this.options.party, this.userId)
      this.ensuredUser = await ensureUser(this.api, this.userId, party)
      return party
    }).catch((err) => { this.init = undefined; throw err })
    return this.init
  }

  async status(): Promise<LedgerStatus> {
    try {
      const party = await this.party()
      const v = await call('version', () => this.api.GET('/v2/version'))
      return { backend: 'canton', party, ready: true, detail: `JSON Ledger API ${this.options.baseUrl} (Canton ${v.version})` }
    } catch (err) {
      return { backend: 'canton', party: this.options.party, ready: false, detail: toLedgerError('status', err, this.options.baseUrl).message }
    }
  }

  /** Runs writes one at a time, so the check-then-create of a wallet is not raced in this process. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn)
    this.writes = run.catch(() => undefined)
    return run
  }

  private read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.options.baseUrl, this.retry, fn)
  }

  /** Brings the projection up to the ledger end; returns that end offset. */
  private async sync(): Promise<{ end: number; projection: LedgerProjection }> {
    const party = await this.party()
    const { offset: end = 0 } = await call('ledger end', () => this.api.GET('/v2/state/ledger-end'))
    if (!this.projection || this.projection.party !== party || end < this.syncedTo) {
      this.projection = new LedgerProjection(party) // first use, or the (in-memory) ledger was restarted
      this.syncedTo = 0
    }
    const projection = this.projection
    while (this.syncedTo < end) {
      this.syncing ??= this.pullUpdates(projection, end).finally(() => { this.syncing = undefined })
      await this.syncing
    }
    return { end, projection }
  }

  private async pullUpdates(projection: LedgerProjection, end: number): Promise<void> {
    while (this.syncedTo < end) {
      const page = await call('read updates', () => this.api.POST('/v2/updates', {
        params: { query: { limit: UPDATES_PAGE } },
        body: {
          beginExclusive: this.syncedTo,
          endInclusive: end,
          verbose: false,
          updateFormat: { includeTransactions: { eventFormat: this.eventFormat(projection.party), transactionShape: 'TRANSACTION_SHAPE_ACS_DELTA' } },
        },
      }))
      let last = this.syncedTo
      for (const item of page) {
        const u = item.update
        if (u && 'Transaction' in u) { projection.apply(u.Transaction.value); last = Math.max(last, u.Transaction.value.offset) }
      }
      // The server may cap `limit` below ours ("ignored if bigger than server setting"), so a short
      // page does not mean the end: continue after the last offset seen until a page is empty.
      this.syncedTo = page.length === 0 ? end : Math.max(last, this.syncedTo + 1)
    }
  }

  private eventFormat(party: string): components['schemas']['EventFormat'] {
    const filter = (templateId: string) => ({ identifierFilter: { TemplateFilter: { value: { templateId, includeCreatedEventBlob: false } } } })
    return { filtersByParty: { [party]: { cumulative: [filter(TEMPLATE.AgentWallet), filter(TEMPLATE.TransferRecord)] } }, verbose: false }
  }

  /** Active AgentWallet contracts at `end`, from the active contract set. */
  private async activeWallets(end: number, projection: LedgerProjection): Promise<Wallet[]> {
    const party = projection.party
    const entries = await call('query active wallets', () => this.api.POST('/v2/state/active-contracts', {
      body: {
        activeAtOffset: end,
        verbose: false,
        eventFormat: { filtersByParty: { [party]: { cumulative: [{ identifierFilter: { TemplateFilter: { value: { templateId: TEMPLATE.AgentWallet, includeCreatedEventBlob: false } } } }] } }, verbose: false },
      },
    }))
    const wallets: Wallet[] = []
    for (const e of entries) {
      const entry = e.contractEntry
      if (!entry || !('JsActiveContract' in entry)) continue
      const c = entry.JsActiveContract.createdEvent
      if (templateOf(c.templateId) !== 'AgentWallet') continue
      const a = AgentWalletArgs.parse(c.createArgument)
      if (a.party !== party) continue
      wallets.push({ contractId: c.contractId, party: a.party, agent: a.agent, balance: a.balance, created: a.created, createdTx: projection.updateIdAt(c.offset) ?? '', archivedTx: null })
    }
    return wallets.sort((x, y) => (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0))
  }

  private async state(operation: string) {
    return this.read(operation, async () => {
      const { end, projection } = await this.sync()
      return { projection, wallets: await this.activeWallets(end, projection) }
    })
  }

  /**
   * Submits one command with submit-and-wait-for-transaction. Transient failures are retried
   * with the same command id; `duplicate` means this command id was already committed.
   */
  private async submit(operation: string, party: string, commandId: string, commands: Command[], workflowId: string):
    Promise<{ tx: JsTransaction } | { duplicate: true } | { stale: true }> {
    const sleep = this.retry.sleep ?? defaultSleep
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await call(operation, () => this.api.POST('/v2/commands/submit-and-wait-for-transaction', {
          body: {
            commands: { commands, commandId, actAs: [party], userId: this.userId, workflowId },
            transactionFormat: { eventFormat: this.eventFormat(party), transactionShape: 'TRANSACTION_SHAPE_ACS_DELTA' },
          },
        }))
        return { tx: res.transaction }
      } catch (err) {
        const d = classify(err)
        if (d === 'duplicate') return { duplicate: true }
        if (d === 'stale' && attempt < this.retry.attempts) return { stale: true }
        if (d === 'transient' && attempt < this.retry.attempts) { await sleep(this.retry.delayMs * attempt); continue }
        throw toLedgerError(operation, err, this.options.baseUrl)
      }
    }
  }

  /** The first committed result of `commandId`, after catching up with the ledger. */
  private async prior(commandId: string) {
    const { projection } = await this.read('look up command', () => this.sync())
    return { projection, row: projection.byCommandId(commandId) }
  }

  async createWallet(req: CreateWalletRequest): Promise<CreateWalletResult> {
    return this.createWalletAs(req, 'wallet_created')
  }

  /** {@link createWallet} with the audit kind; migrations use `wallet_migrated`. */
  async createWalletAs(req: CreateWalletRequest, kind: Extract<CommandKind, 'wallet_created' | 'wallet_migrated'>): Promise<CreateWalletResult> {
    const agent = checkAgentId(req.agent)
    const balance = formatDecimal(checkInitialBalance(req.initialBalance))
    const commandId = req.commandId === undefined ? newCommandId() : checkCommandId(req.commandId)
    return this.exclusive(async () => {
      const party = await this.party()
      const { projection, wallets } = await this.state('create wallet')
      const replay = req.commandId === undefined ? undefined : this.walletReplay(projection, commandId, agent)
      if (replay) return replay
      const existing = wallets.find((w) => w.agent === agent)
      if (existing) return { wallet: existing, created: false, transactionId: null }
      const create: Command = { CreateCommand: { templateId: TEMPLATE.AgentWallet, createArguments: { party, agent, balance, created: String(this.now()) } } }
      const r = await this.submit(`create wallet for ${agent}`, party, commandId, [create], workflowIdOf(kind))
      if ('tx' in r) {
        const row = new LedgerProjection(party)
        row.apply(r.tx)
        const made = row.versions.find((w) => w.agent === agent)
        if (!made) throw new LedgerError(`create wallet for ${agent}: the ledger's transaction ${r.tx.updateId} holds no wallet`, 'LEDGER')
        return { wallet: { ...toWallet(made), archivedTx: null }, created: true, transactionId: r.tx.updateId }
      }
      const again = await this.prior(commandId)
      const replayed = this.walletReplay(again.projection, commandId, agent)
      if (replayed) return replayed
      throw new LedgerError(`create wallet for ${agent}: command id ${commandId} was already used for a different command`, 'DUPLICATE_COMMAND')
    })
  }

  private walletReplay(projection: LedgerProjection, commandId: string, agent: string): CreateWalletResult | undefined {
    const prior = projection.byCommandId(commandId)
    if (!prior) return undefined
    if (prior.kind === 'transfer_executed') throw new LedgerError(`command id ${commandId} was already used for a transfer`, 'DUPLICATE_COMMAND')
    const row = projection.versions.find((w) => w.created_tx === prior.tx_id && w.agent === agent)
    if (!row) throw new LedgerError(`command ${commandId} was already used for a different command`, 'DUPLICATE_COMMAND')
    return { wallet: toWallet(row), created: false, transactionId: row.created_tx }
  }

  async getWallet(agent: string): Promise<Wallet | null> {
    const id = checkAgentId(agent)
    const { wallets } = await this.state('get wallet')
    return wallets.find((w) => w.agent === id) ?? null
  }

  async listWallets(): Promise<Wallet[]> {
    return (await this.state('list wallets')).wallets
  }

  async walletVersions(agent: string): Promise<Wallet[]> {
    const id = checkAgentId(agent)
    const { projection } = await this.read('wallet versions', () => this.sync())
    return projection.versions.filter((w) => w.agent === id).map(toWallet)
  }

  async transfer(req: TransferRequest): Promise<TransferResult> {
    const t = checkTransfer(req, this.now)
    const commandId = req.commandId ?? newCommandId()
    return this.exclusive(async () => {
      const party = await this.party()
      for (let attempt = 1; ; attempt++) {
        const { projection, wallets } = await this.state('transfer')
        const done = this.transferReplay(projection, commandId, t)
        if (done) return done
        const sender = wallets.find((w) => w.agent === t.from)
        if (!sender) throw walletMissing(t.from)
        const receiver = wallets.find((w) => w.agent === t.to)
        if (!receiver) throw walletMissing(t.to)
        const exercise: Command = {
          ExerciseCommand: {
            templateId: TEMPLATE.AgentWallet, contractId: sender.contractId, choice: 'Transfer',
            choiceArgument: { toWalletId: receiver.contractId, amount: formatDecimal(t.amount), reason: t.reason, timestamp: String(t.timestamp) },
          },
        }
        const r = await this.submit(`transfer ${formatDecimal(t.amount)} from ${t.from} to ${t.to}`, party, commandId, [exercise], workflowIdOf('transfer_executed', req.conversationId))
        if ('stale' in r) continue
        if ('duplicate' in r) {
          const replay = this.transferReplay((await this.prior(commandId)).projection, commandId, t)
          if (replay) return replay
          throw new LedgerError(`command id ${commandId} was already used and its transaction is not visible to ${party}`, 'DUPLICATE_COMMAND')
        }
        const p = new LedgerProjection(party)
        p.apply(r.tx)
        const row = p.byCommandId(commandId) ?? p.transactions[0]
        if (!row || row.kind !== 'transfer_executed') throw new LedgerError(`transfer: the ledger's transaction ${r.tx.updateId} holds no TransferRecord`, 'LEDGER')
        const o = JSON.parse(row.result) as TransferOutcome
        return { ...o, commandId, deduplicated: false }
      }
    })
  }

  private transferReplay(projection: LedgerProjection, commandId: string, t: CheckedTransfer): TransferResult | undefined {
    const prior = projection.byCommandId(commandId)
    if (!prior) return undefined
    if (prior.kind !== 'transfer_executed') throw new LedgerError(`command id ${commandId} was already used for a ${prior.kind} command`, 'DUPLICATE_COMMAND')
    // Same rule as the embedded ledger: other parameters under a used id throw COMMAND_ID_REUSED.
    const original = firstTransferOf(JSON.parse(prior.details) as { from: string; to: string; amount: string; reason: string }, prior.committed_at)
    checkReplay(commandId, original, t)
    return { ...(JSON.parse(prior.result) as TransferOutcome), deduplicated: true, original }
  }

  async history(agent?: string, limit = 100): Promise<TransferRecord[]> {
    const id = agent === undefined ? undefined : checkAgentId(agent)
    const n = Math.max(0, Math.floor(limit))
    const { projection } = await this.read('history', () => this.sync())
    return projection.records
      .filter((r) => id === undefined || r.from_agent === id || r.to_agent === id)
      .sort((a, b) => b.offset - a.offset)
      .slice(0, n)
      .map((r) => ({ contractId: r.contract_id, party: r.party, fromAgent: r.from_agent, toAgent: r.to_agent, amount: r.amount, reason: r.reason, timestamp: r.timestamp, transactionId: r.tx_id }))
  }

  async metrics(): Promise<SystemMetrics> {
    const { projection, wallets } = await this.state('metrics')
    const total = wallets.reduce((s, w) => addUnits(s, parseDecimal(w.balance)), 0n)
    const volume = projection.records.reduce((s, r) => addUnits(s, parseDecimal(r.amount)), 0n)
    let minted = 0n
    let lastUpdated = 0
    for (const tx of projection.transactions) {
      if (tx.kind !== 'transfer_executed') minted += parseDecimal((JSON.parse(tx.details) as { initialBalance: string }).initialBalance)
    }
    for (const w of projection.versions) if (w.version === 1) lastUpdated = Math.max(lastUpdated, w.created)
    for (const r of projection.records) lastUpdated = Math.max(lastUpdated, r.timestamp)
    return {
      party: projection.party,
      walletCount: wallets.length,
      totalBalance: formatDecimal(total),
      transactionCount: projection.records.length,
      totalVolume: formatDecimal(volume),
      averageBalance: formatDecimal(wallets.length ? total / BigInt(wallets.length) : 0n),
      mintedTotal: formatDecimal(minted),
      lastUpdated,
    }
  }

  async events(query: EventQuery = {}): Promise<LedgerEvent[]> {
    const { projection } = await this.read('events', () => this.sync())
    const since = query.sinceIso ? new Date(query.sinceIso).toISOString() : undefined
    return projection.transactions
      .filter((r) => (!since || r.committed_at >= since) && (!query.type || r.kind === query.type) && (!query.agent || r.agent_a === query.agent || r.agent_b === query.agent))
      .sort((a, b) => b.offset - a.offset)
      .slice(0, Math.max(0, Math.floor(query.limit ?? 50)))
      .map((r) => ({ offset: r.offset, transactionId: r.tx_id, commandId: r.command_id, type: r.kind as LedgerEvent['type'], at: r.committed_at, details: JSON.parse(r.details) as Record<string, unknown> }))
  }

  async audit(): Promise<AuditReport> {
    const { projection, wallets } = await this.state('audit')
    const report = auditLedger({ versions: projection.versions, records: projection.records, transactions: projection.transactions, metrics: null })
    // The active contract set must agree with what the updates say is active.
    const fromUpdates = new Set(projection.versions.filter((w) => w.archived_tx === null).map((w) => w.contract_id))
    const fromAcs = new Set(wallets.map((w) => w.contractId))
    for (const id of fromAcs) if (!fromUpdates.has(id)) report.violations.push(`wallet contract ${id} is active but no update created it`)
    for (const id of fromUpdates) if (!fromAcs.has(id)) report.violations.push(`wallet contract ${id} should be active per the updates but is not in the active contract set`)
    return { ...report, ok: report.violations.length === 0 }
  }

  async close(): Promise<void> {
    await this.writes.catch(() => undefined)
  }
}

function toWallet(r: WalletRow): Wallet {
  return { contractId: r.contract_id, party: r.party, agent: r.agent, balance: r.balance, created: r.created, createdTx: r.created_tx, archivedTx: r.archived_tx }
}

function walletMissing(agent: string): LedgerError {
  return new LedgerError(`no wallet for agent "${agent}"; create it with \`p2engine ledger init\` (configured agents) first`, 'WALLET_NOT_FOUND')
}

export { CantonCallError }
