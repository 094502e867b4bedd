import { readFileSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { LoadedConfig } from '../engine/config/types'
import type { PayloadStore } from '../engine/ports/payloads'
import { payloadStoreFor } from '../compose/payloads'
import { inlinePayloads } from '../storage/payloads/inline'
import { APP_VERSION } from '../cli/version'
import type { SqliteStore } from '../storage/sqliteStore'
import { collectRows, scopeOf, type BundleSelection } from './collect'
import { collectConfigFiles } from './configFiles'
import { bundleError } from './errors'
import { BUNDLE_EXTENSION, BUNDLE_FORMAT, BUNDLE_VERSION, countsOf, type BundleContent, type BundleManifest } from './format'
import { importBundle, type ImportReport } from './importBundle'
import { withLocalSource, withLocalTarget } from './location'
import { isS3Url } from '../storage/s3/url'
import { machineId } from './machineId'
import { readBundle, type BundleProgress } from './read'
import { bundleSecrets, valueScrubber } from './secrets'
import { entryBuffers, manifestEntries, sha256, writeFileAtomic, zipBundle } from './write'

/** What exporting and importing need from the host (CLI context or app services). */
export interface BundleHost {
  store: SqliteStore
  /** P2ENGINE_HOME (holds the machine id). */
  home: string
  config?: Pick<LoadedConfig, 'configDir' | 'settings' | 'files'>
  env?: NodeJS.ProcessEnv
  now?: () => number
  /** This home's payload store (ARTIFACT_DRIVER); default: the one `config.settings` and `env` pick. */
  payloads?: PayloadStore
  /** The secrets to scrub, when known already (`bundleSecrets(config, env)`; a worker bundles every job with the same ones). */
  secrets?: readonly string[]
}

/** The host's payload store: given, else the one of its settings (inline when there are none). */
function payloadsOf(host: BundleHost): PayloadStore {
  if (host.payloads) return host.payloads
  return host.config?.settings ? payloadStoreFor(host.store, host.config.settings, host.env ?? process.env) : inlinePayloads
}

export interface BuiltBundle {
  bytes: Buffer
  manifest: BundleManifest
}

/**
 * Builds a bundle of `sel` in memory: rows, config files, secrets scrubbed, manifest last.
 * `compressionLevel` (default 6): a scale-out worker's per-job bundle uses 1 (CPU over bytes).
 */
export async function buildBundle(host: BundleHost, sel: BundleSelection, compressionLevel?: number): Promise<BuiltBundle> {
  const payloads = payloadsOf(host)
  const rows = collectRows(host.store.db, sel, (stored) => payloads.get(stored))
  const secrets = host.secrets ?? bundleSecrets(host.config, host.env ?? {})
  const configFiles = collectConfigFiles(host.config?.configDir, rows.rollouts.map((r) => r.spec_file), secrets)
  const entries = entryBuffers(rows, configFiles, valueScrubber(secrets))
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    appVersion: APP_VERSION,
    created: new Date((host.now ?? Date.now)()).toISOString(),
    sourceMachine: machineId(host.home),
    contents: {
      scope: scopeOf(sel),
      conversations: rows.conversations.map((c) => ({ id: c.id, name: c.name })),
      rollouts: rows.rollouts.map((r) => ({ id: r.id, specFile: r.spec_file })),
    },
    counts: countsOf(rows, Object.keys(configFiles).length),
    entries: manifestEntries(entries),
  }
  return { bytes: await zipBundle(manifest, entries, compressionLevel), manifest }
}

const safeName = (s: string): string => s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'bundle'

/** The file name a bundle gets when `--out` is not given: from what it holds. */
export function defaultBundleName(m: BundleManifest): string {
  const { scope, conversations, rollouts } = m.contents
  if (scope === 'all') return `p2engine-all${BUNDLE_EXTENSION}`
  const first = scope === 'rollouts' ? rollouts[0]?.id : conversations[0]?.name
  const n = scope === 'rollouts' ? rollouts.length : conversations.length
  return `${safeName(first ?? 'bundle')}${n > 1 ? `-and-${n - 1}-more` : ''}${BUNDLE_EXTENSION}`
}

/** Exports to `out` (default: a name from the content, in `cwd`); returns the path written and the manifest. */
export async function exportBundle(host: BundleHost, sel: BundleSelection, out?: string, cwd = process.cwd()): Promise<BuiltBundle & { file: string }> {
  const built = await buildBundle(host, sel)
  const location = out ?? resolve(cwd, defaultBundleName(built.manifest))
  const file = await withLocalTarget(location, async (path) => {
    writeFileAtomic(resolve(cwd, path), built.bytes)
    return isS3Url(location) ? location.trim() : resolve(cwd, path)
  }, host.env ?? process.env)
  return { ...built, file }
}

/** Reads a bundle file (any location `withLocalSource` knows: a path or `s3://BUCKET/KEY`, AWS_* from `env`) into memory. */
export function loadBundleBytes(location: string, env: NodeJS.ProcessEnv = process.env): Promise<{ bytes: Buffer; label: string }> {
  return withLocalSource(location, async (path) => {
    const st = statSync(path, { throwIfNoEntry: false })
    if (!st) throw bundleError(location, 'no such file')
    if (!st.isFile()) throw bundleError(location, 'not a regular file')
    return { bytes: readFileSync(path), label: basename(location) }
  }, env)
}

/** Reads and verifies (every checksum and row schema); throws one line naming the first problem. */
export const verifyBundle = (bytes: Buffer, label: string, onProgress?: (p: BundleProgress) => void): Promise<BundleContent> => readBundle(bytes, label, onProgress)

class DryRun extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run')
  }
}

/** Verifies, then imports in one transaction (see {@link importBundle}); `dryRun` rolls back and only reports. */
export async function importBundleBytes(host: BundleHost, bytes: Buffer, label: string, o: { dryRun?: boolean; onProgress?: (p: BundleProgress) => void } = {}): Promise<ImportReport & { manifest: BundleManifest }> {
  const content = await readBundle(bytes, label, o.onProgress)
  const opts = { payloads: payloadsOf(host), bundleFile: label, bundleSha256: sha256(bytes), localMachine: machineId(host.home), ...(host.now ? { now: host.now } : {}) }
  const total = content.manifest.entries.length
  o.onProgress?.({ phase: 'import', done: 0, total })
  let report: ImportReport
  if (o.dryRun) {
    try {
      host.store.write(() => {
        throw new DryRun(importBundle(host.store, content, opts))
      })
      throw new Error('unreachable')
    } catch (err) {
      if (!(err instanceof DryRun)) throw err
      report = err.report
    }
  } else {
    report = importBundle(host.store, content, opts)
  }
  o.onProgress?.({ phase: 'import', done: total, total })
  return { ...report, manifest: content.manifest }
}
