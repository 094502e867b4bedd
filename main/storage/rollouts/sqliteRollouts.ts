import { z } from 'zod'
import { UserInputError } from '../../engine/errors'
import type {
  LedgerSnapshot, RolloutRecord, RolloutRunner, RolloutStatus, StoredRolloutSpec, VariantMetrics, VariantRecord, VariantStatus,
} from '../../engine/rollouts/types'
import { defineJsonColumn } from '../jsonColumn'
import type { Statement } from 'better-sqlite3'
import type { SqliteStore } from '../sqliteStore'

const doc = z.looseObject({})
const SpecColumn = defineJsonColumn({ name: 'rollout spec', version: 1, schema: z.looseObject({ source: z.unknown(), variants: z.array(doc), options: doc }) })
const SnapshotColumn = defineJsonColumn({ name: 'ledger snapshot', version: 1, schema: z.looseObject({ label: z.enum(['before', 'after']), timestamp: z.number(), metrics: doc, wallets: z.array(doc) }) })
const OverridesColumn = defineJsonColumn({ name: 'variant overrides', version: 1, schema: z.looseObject({ values: z.record(z.string(), z.unknown()) }) })
const MetricsColumn = defineJsonColumn({ name: 'variant metrics', version: 1, schema: z.looseObject({ conversationId: z.string(), scores: z.array(doc) }) })

interface RolloutRow { id: string; spec_file: string; spec: string; status: RolloutStatus; created_at: number; finished_at: number | null; ledger_before: string | null; ledger_after: string | null; runner_pid: number | null; runner_host: string | null }
interface VariantRow { rollout_id: string; team: string; variant_id: string; position: number; status: VariantStatus; conversation_id: string | null; overrides: string; metrics: string | null; error: string | null; started_at: number | null; finished_at: number | null; worker?: string | null }

const strip = <T>(o: T & { schemaVersion?: number }): T => {
  const { schemaVersion: _v, ...rest } = o as Record<string, unknown>
  return rest as T
}

/**
 * Rollouts and their variant rows in SQLite. Every process (CLI, app, worker threads) opens its
 * own connection; writes are single statements or `store.write` transactions, so concurrent
 * workers never lose an update.
 */
export class SqliteRolloutStore {
  constructor(private readonly store: SqliteStore, private readonly now: () => number = Date.now) {}

  private readonly statements = new Map<string, Statement<unknown[]>>()

  /** Prepared once per connection: preparing costs more than running these small statements. */
  private sql(text: string): Statement<unknown[]> {
    let st = this.statements.get(text)
    if (!st) this.statements.set(text, (st = this.store.db.prepare(text)))
    return st
  }

  /** Creates the rollout and one queued row per variant, in one transaction. */
  create(r: { id: string; specFile: string; spec: StoredRolloutSpec; ledgerBefore: LedgerSnapshot | null }): RolloutRecord {
    const at = this.now()
    this.store.write(() => {
      this.sql('INSERT INTO rollouts (id, spec_file, spec, status, created_at, ledger_before) VALUES (?, ?, ?, ?, ?, ?)')
        .run(r.id, r.specFile, SpecColumn.encode(r.spec as never), 'running', at, r.ledgerBefore ? SnapshotColumn.encode(r.ledgerBefore as never) : null)
      const ins = this.sql(
        'INSERT INTO rollout_variants (rollout_id, team, variant_id, position, status, overrides) VALUES (?, ?, ?, ?, ?, ?)',
      )
      for (const v of r.spec.variants) ins.run(r.id, v.teamId, v.id, v.index, 'queued', OverridesColumn.encode({ values: v.overrides }))
    })
    return this.get(r.id)
  }

  /**
   * Adds one variant to an existing rollout (spec document and a queued row), in one transaction.
   * A scale-out worker's local rollout grows this way as it gets more variants of the same rollout.
   * @throws UserInputError when the rollout does not exist.
   */
  /**
   * Adds a queued row for `v` to a rollout whose spec does not list it (a scale-out worker's local
   * rollout gains the variants its jobs bring). The spec is left as it is: rewriting a spec that
   * grows with every variant cost a worker O(variants) bytes per job; the worker keeps the variants
   * it runs in its context.
   */
  addVariantRow(rolloutId: string, v: StoredRolloutSpec['variants'][number]): void {
    this.sql('INSERT INTO rollout_variants (rollout_id, team, variant_id, position, status, overrides) VALUES (?, ?, ?, ?, ?, ?)')
      .run(rolloutId, v.teamId, v.id, v.index, 'queued', OverridesColumn.encode({ values: v.overrides }))
  }

  /**
   * Stores a variant that ran on a scale-out worker: its outcome, metrics, conversation, times and
   * the worker's name, unless the row already finished (a result that arrives twice changes
   * nothing). Returns whether the row changed.
   */
  recordRemote(rolloutId: string, team: string, variantId: string, r: { status: 'done' | 'failed'; error: string | null; metrics: VariantMetrics | null; conversationId: string | null; worker: string; startedAt: number; finishedAt: number }): boolean {
    return this.sql(`UPDATE rollout_variants SET status = ?, error = ?, metrics = COALESCE(?, metrics), conversation_id = ?, worker = ?,
        started_at = COALESCE(started_at, ?), finished_at = ? WHERE rollout_id = ? AND team = ? AND variant_id = ? AND status NOT IN ('done', 'failed')`)
      .run(r.status, r.error, r.metrics ? MetricsColumn.encode(r.metrics as never) : null, r.conversationId, r.worker, r.startedAt, r.finishedAt, rolloutId, team, variantId).changes > 0
  }

  /** @throws UserInputError naming the id and the known ones when absent. */
  get(id: string): RolloutRecord {
    const row = this.sql('SELECT * FROM rollouts WHERE id = ?').get(id) as RolloutRow | undefined
    if (!row) {
      const recent = this.list(5).map((r) => r.id)
      throw new UserInputError(`no rollout "${id}"${recent.length ? `; recent: ${recent.join(', ')}` : ' (none yet)'}`, 'ROLLOUT_NOT_FOUND')
    }
    return toRecord(row)
  }

  find(id: string): RolloutRecord | null {
    const row = this.sql('SELECT * FROM rollouts WHERE id = ?').get(id) as RolloutRow | undefined
    return row ? toRecord(row) : null
  }

  /** Newest first. */
  list(limit = 50): RolloutRecord[] {
    return (this.sql('SELECT * FROM rollouts ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as RolloutRow[]).map(toRecord)
  }

  /** In team order then position. */
  variants(rolloutId: string): VariantRecord[] {
    const rows = this.sql('SELECT * FROM rollout_variants WHERE rollout_id = ?').all(rolloutId) as VariantRow[]
    // A map, not indexOf in the comparator: that was quadratic (seconds for a 2,000-variant grid).
    const order = new Map(this.get(rolloutId).spec.variants.map((v, i) => [`${v.teamId}\u0000${v.id}`, i]))
    const at = (v: VariantRecord): number => order.get(`${v.team}\u0000${v.variantId}`) ?? -1
    return rows.map(toVariant).sort((a, b) => at(a) - at(b))
  }

  variant(rolloutId: string, team: string, variantId: string): VariantRecord {
    const row = this.sql('SELECT * FROM rollout_variants WHERE rollout_id = ? AND team = ? AND variant_id = ?').get(rolloutId, team, variantId) as VariantRow | undefined
    if (!row) throw new UserInputError(`rollout ${rolloutId} has no variant ${team}/${variantId}`, 'VARIANT_NOT_FOUND')
    return toVariant(row)
  }

  markRunning(rolloutId: string, team: string, variantId: string, conversationId: string): void {
    this.sql("UPDATE rollout_variants SET status = 'running', conversation_id = ?, started_at = COALESCE(started_at, ?), error = NULL WHERE rollout_id = ? AND team = ? AND variant_id = ?")
      .run(conversationId, this.now(), rolloutId, team, variantId)
  }

  markDone(rolloutId: string, team: string, variantId: string, metrics: VariantMetrics): void {
    this.sql("UPDATE rollout_variants SET status = 'done', metrics = ?, error = NULL, finished_at = ? WHERE rollout_id = ? AND team = ? AND variant_id = ?")
      .run(MetricsColumn.encode(metrics as never), this.now(), rolloutId, team, variantId)
  }

  /** A failed variant keeps whatever metrics were measured. */
  markFailed(rolloutId: string, team: string, variantId: string, error: string, metrics: VariantMetrics | null = null): void {
    this.sql("UPDATE rollout_variants SET status = 'failed', error = ?, metrics = COALESCE(?, metrics), finished_at = ? WHERE rollout_id = ? AND team = ? AND variant_id = ?")
      .run(error, metrics ? MetricsColumn.encode(metrics as never) : null, this.now(), rolloutId, team, variantId)
  }

  /** Back to `running` for a resume (finished rows are never touched). */
  setStatus(id: string, status: RolloutStatus): void {
    this.sql('UPDATE rollouts SET status = ?, finished_at = ? WHERE id = ?').run(status, status === 'running' ? null : this.now(), id)
  }

  /** Records the process that runs the rollout now (it takes over from a dead one). */
  claim(id: string, runner: RolloutRunner): void {
    this.sql('UPDATE rollouts SET runner_pid = ?, runner_host = ? WHERE id = ?').run(runner.pid, runner.host, id)
  }

  /** The process stopped running the rollout (only if it is still the recorded runner). */
  release(id: string, runner: RolloutRunner): void {
    this.sql('UPDATE rollouts SET runner_pid = NULL, runner_host = NULL WHERE id = ? AND runner_pid = ? AND runner_host = ?').run(id, runner.pid, runner.host)
  }

  /** Write-once: a rollout's "after" snapshot is never replaced (a later resume keeps it). */
  setLedgerAfter(id: string, snapshot: LedgerSnapshot): void {
    this.sql('UPDATE rollouts SET ledger_after = ? WHERE id = ? AND ledger_after IS NULL').run(SnapshotColumn.encode(snapshot as never), id)
  }
}

function toRecord(r: RolloutRow): RolloutRecord {
  return {
    id: r.id,
    specFile: r.spec_file,
    spec: strip(SpecColumn.decode(r.spec)) as unknown as StoredRolloutSpec,
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    ledgerBefore: r.ledger_before ? (strip(SnapshotColumn.decode(r.ledger_before)) as unknown as LedgerSnapshot) : null,
    ledgerAfter: r.ledger_after ? (strip(SnapshotColumn.decode(r.ledger_after)) as unknown as LedgerSnapshot) : null,
    runner: r.runner_pid === null || r.runner_pid === undefined ? null : { pid: r.runner_pid, host: r.runner_host ?? '' },
  }
}

function toVariant(r: VariantRow): VariantRecord {
  return {
    rolloutId: r.rollout_id,
    team: r.team,
    variantId: r.variant_id,
    position: r.position,
    status: r.status,
    conversationId: r.conversation_id,
    overrides: OverridesColumn.decode(r.overrides).values,
    metrics: r.metrics ? (strip(MetricsColumn.decode(r.metrics)) as unknown as VariantMetrics) : null,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ...(r.worker ? { worker: r.worker } : {}),
  }
}
