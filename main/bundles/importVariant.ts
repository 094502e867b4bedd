import { payloadStoreFor } from '../compose/payloads'
import type { VariantMetrics } from '../engine/rollouts/types'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import type { SqliteStore } from '../storage/sqliteStore'
import { importBundle } from './importBundle'
import { machineId } from './machineId'
import { readBundle } from './read'
import type { BundleHost } from './service'
import { sha256 } from './write'

/** A variant that ran on a scale-out worker, as its job result brings it back. */
export interface RemoteVariantResult {
  rolloutId: string
  team: string
  variantId: string
  worker: string
  status: 'done' | 'failed'
  error: string | null
  metrics: VariantMetrics | null
  conversationId: string | null
  /** The variant's conversation as a bundle (empty when it never started). */
  bundle: Buffer
  /** Its SHA-256 when the caller already checked it (a bundle fetched by its signed hash); computed otherwise. */
  bundleSha256?: string
  startedAt: number
  finishedAt: number
  /** For the origin record (e.g. the job id). */
  label: string
}

/**
 * Imports a remote variant's result into the coordinator's store in ONE transaction: the bundle's
 * conversation (entries, artifacts, links, recordings; never rollout rows, and never ledger
 * transfers: those are in the coordinator's own ledger, or in Canton), then the variant row
 * (status, metrics, conversation, worker). A result that arrives again changes nothing: the row
 * already finished and the conversation is known by its origin. Returns whether it was new.
 */
/** One rollout store per connection: its prepared statements serve every result, not one each. */
const repos = new WeakMap<SqliteStore, SqliteRolloutStore>()

export async function importVariantResult(host: BundleHost, r: RemoteVariantResult): Promise<boolean> {
  const content = r.bundle.length ? await readBundle(r.bundle, r.label) : null
  let repo = repos.get(host.store)
  if (!repo) repos.set(host.store, (repo = new SqliteRolloutStore(host.store)))
  return host.store.write(() => {
    const row = repo.variant(r.rolloutId, r.team, r.variantId)
    if (row.status === 'done' || row.status === 'failed') return false
    let conversationId = r.conversationId
    if (content) {
      const rows = { ...content.rows, rollouts: [], variants: [], transfers: [] }
      const payloads = host.payloads ?? (host.config?.settings ? payloadStoreFor(host.store, host.config.settings, host.env ?? process.env) : undefined)
      const report = importBundle(host.store, { ...content, rows }, {
        bundleFile: r.label, bundleSha256: r.bundleSha256 ?? sha256(r.bundle), localMachine: machineId(host.home), ...(payloads ? { payloads } : {}), ...(host.now ? { now: host.now } : {}),
      })
      const item = report.items.find((i) => i.kind === 'conversation' && i.sourceId === r.conversationId)
      if (item) conversationId = item.id
    }
    const metrics = r.metrics && conversationId ? { ...r.metrics, conversationId } : r.metrics
    return repo.recordRemote(r.rolloutId, r.team, r.variantId, { status: r.status, error: r.error, metrics, conversationId, worker: r.worker, startedAt: r.startedAt, finishedAt: r.finishedAt })
  })
}
