import type { LedgerSnapshot, RolloutRecord, RolloutRunner, RolloutStatus, StoredRolloutSpec, VariantMetrics, VariantRecord } from './types'

/** The rollout store port (SQLite: `main/storage/rollouts/sqliteRollouts.ts`). */
export interface RolloutRepository {
  create(r: { id: string; specFile: string; spec: StoredRolloutSpec; ledgerBefore: LedgerSnapshot | null }): RolloutRecord
  get(id: string): RolloutRecord
  find(id: string): RolloutRecord | null
  list(limit?: number): RolloutRecord[]
  variants(rolloutId: string): VariantRecord[]
  variant(rolloutId: string, team: string, variantId: string): VariantRecord
  markRunning(rolloutId: string, team: string, variantId: string, conversationId: string): void
  markDone(rolloutId: string, team: string, variantId: string, metrics: VariantMetrics): void
  markFailed(rolloutId: string, team: string, variantId: string, error: string, metrics?: VariantMetrics | null): void
  setStatus(id: string, status: RolloutStatus): void
  /** Write-once. */
  setLedgerAfter(id: string, snapshot: LedgerSnapshot): void
  /** Records the process running the rollout. */
  claim(id: string, runner: RolloutRunner): void
  /** Clears the runner if it is still `runner`. */
  release(id: string, runner: RolloutRunner): void
}

/** One variant task, as sent to a worker thread (plain data). */
export interface VariantTask {
  /** SQLite file the worker opens its own connection on. */
  dbPath: string
  configDir: string
  /** Environment for loading the config (keys, base URLs, P2ENGINE_HOME). */
  env: Record<string, string>
  rolloutId: string
  team: string
  variantId: string
  modelMode: 'record' | 'replay'
  samples?: number
  /** W3C traceparent of the variant's span: the worker's spans join the rollout's trace. */
  traceparent?: string
  /** Fault injection for crash-safety tests: throw, hang, or stop dead after the first ledger transfer or after judging. */
  inject?: 'throw' | 'hang' | 'die_after_transfer' | 'die_after_judge'
}

export interface VariantTaskResult {
  status: 'done' | 'failed' | 'killed'
  error?: string
}
