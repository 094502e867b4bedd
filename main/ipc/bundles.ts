import { randomUUID } from 'node:crypto'
import { byRefParams, byRefSql } from '../storage/artifacts/byRef'
import { ID_BY_ID_OR_NAME } from '../storage/stacks/conversationIds'
import { UserInputError } from '../engine/errors'
import { BUNDLE_CHUNK_CHARS, type BundleSummary } from '../../preload/contract'
import type { BundleHost } from '../bundles/service'
import type { BundleManifest } from '../bundles/format'
import { openStore, type SqliteStore } from '../storage/sqliteStore'
import type { EventBus } from './eventBus'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type BundlesChannel = Extract<keyof HandlerTable, `bundles:${string}`>

/** Bytes held between calls (exports waiting for download, uploads waiting for import); the oldest go first. */
const HELD_MAX = 8
/** Raw bytes per download chunk: base64 of it fits BUNDLE_CHUNK_CHARS. */
const RAW_CHUNK = (BUNDLE_CHUNK_CHARS / 4) * 3

const service = () => import('../bundles/service')
const summaryOf = (m: BundleManifest): BundleSummary => ({ format: m.format, version: m.version, appVersion: m.appVersion, created: m.created, sourceMachine: m.sourceMachine, contents: m.contents, counts: m.counts })

/**
 * Handlers of `bundles:*`. Imports run on their own connection to the database file (when there
 * is one), so the engine's caches on the app's connection see the new rows as another writer's.
 */
export function bundlesHandlers(services: AppServices, bus: EventBus): Pick<HandlerTable, BundlesChannel> {
  const held = new Map<string, { name: string; chunks: Buffer[] }>()
  const hold = (name: string, chunks: Buffer[]): string => {
    const id = `b_${randomUUID()}`
    held.set(id, { name, chunks })
    while (held.size > HELD_MAX) held.delete(held.keys().next().value!)
    return id
  }
  const heldBytes = (id: string): { name: string; bytes: Buffer } => {
    const h = held.get(id)
    if (!h) throw new UserInputError(`no bundle upload or download "${id}" (it expired or was never started)`, 'BUNDLE_TRANSFER_NOT_FOUND')
    return { name: h.name, bytes: Buffer.concat(h.chunks) }
  }
  const storeOf = (): SqliteStore => {
    if (!services.store) throw new UserInputError('bundles need the database, which this host has not opened', 'NO_STORE')
    return services.store
  }
  const host = (store: SqliteStore): BundleHost => ({ store, home: services.config.settings.home, config: services.config, env: services.env ?? process.env })
  const source = async (s: { path?: string | undefined; uploadId?: string | undefined }) => {
    if (s.uploadId) {
      const h = heldBytes(s.uploadId)
      return { bytes: h.bytes, label: h.name }
    }
    return (await service()).loadBundleBytes(s.path!, services.env ?? process.env)
  }
  /** Runs `fn` on a second connection to the same file (the app's own for an in-memory database). */
  const withImportStore = async <T>(fn: (store: SqliteStore) => Promise<T>): Promise<T> => {
    const main = storeOf()
    if (main.location === ':memory:') return fn(main)
    const own = openStore(main.location)
    try {
      return await fn(own)
    } finally {
      own.close()
    }
  }

  return {
    'bundles:export': async (input) => {
      const store = storeOf()
      const conversations = [...(input.conversations ?? [])]
      const sessionOf = store.db.prepare(byRefSql('session_id', 'conversation_id', 'conversation_id')).pluck()
      for (const ref of input.artifacts ?? []) {
        const s = sessionOf.get(...byRefParams(ref)) as string | undefined
        if (s === undefined) throw new UserInputError(`artifacts: no artifact "${ref}"`, 'ARTIFACT_NOT_FOUND')
        if (!conversations.includes(s)) conversations.push(s)
      }
      const sel = { conversations, rollouts: input.rollouts ?? [], all: Boolean(input.all) }
      const svc = await service()
      if (input.path) {
        const r = await svc.exportBundle(host(store), sel, input.path)
        return { file: r.file, downloadId: null, fileName: svc.defaultBundleName(r.manifest), bytes: r.bytes.length, summary: summaryOf(r.manifest) }
      }
      const r = await svc.buildBundle(host(store), sel)
      const fileName = svc.defaultBundleName(r.manifest)
      return { file: null, downloadId: hold(fileName, [r.bytes]), fileName, bytes: r.bytes.length, summary: summaryOf(r.manifest) }
    },
    'bundles:download': (input) => {
      const { bytes } = heldBytes(input.downloadId)
      const end = Math.min(bytes.length, input.offset + RAW_CHUNK)
      const done = end >= bytes.length
      if (done) held.delete(input.downloadId)
      return { dataBase64: bytes.subarray(input.offset, end).toString('base64'), next: end, done, bytes: bytes.length }
    },
    'bundles:upload': (input) => {
      const chunk = Buffer.from(input.dataBase64, 'base64')
      if (!input.uploadId) {
        const uploadId = hold(input.fileName ?? 'upload.p2bundle', [chunk])
        return { uploadId, bytes: chunk.length }
      }
      const h = held.get(input.uploadId)
      if (!h) throw new UserInputError(`no bundle upload "${input.uploadId}" (it expired or was never started)`, 'BUNDLE_TRANSFER_NOT_FOUND')
      h.chunks.push(chunk)
      return { uploadId: input.uploadId, bytes: h.chunks.reduce((n, c) => n + c.length, 0) }
    },
    'bundles:inspect': async (input) => {
      const { bytes, label } = await source(input)
      const r = await withImportStore(async (store) => (await service()).importBundleBytes(host(store), bytes, label, { dryRun: true }))
      return {
        fileName: label, bytes: bytes.length, summary: summaryOf(r.manifest), entries: r.manifest.entries.map((e) => ({ name: e.name, size: e.size })),
        preview: { items: r.items, written: r.written, refsRemapped: r.refsRemapped, changed: r.changed },
      }
    },
    'bundles:choosePath': async (input) => {
      const d = services.fileDialogs
      if (!d) throw new UserInputError('native file dialogs exist only in the desktop app; the browser host downloads and uploads bundles', 'NO_FILE_DIALOGS')
      const extensions = ['p2bundle']
      const path = input.mode === 'save'
        ? await d.save({ title: 'Export bundle', defaultName: input.defaultName ?? 'bundle.p2bundle', extensions })
        : await d.open({ title: 'Import bundle', extensions })
      return { path }
    },
    'bundles:origin': async (input) => {
      const store = storeOf()
      const { originOf } = await import('../bundles/origin')
      const id = input.kind === 'conversation' ? ((store.db.prepare(ID_BY_ID_OR_NAME).pluck().get(input.id, input.id) as string | undefined) ?? input.id) : input.id
      return originOf(store.db, input.kind, id)
    },
    'bundles:import': async (input) => {
      const { bytes, label } = await source(input)
      const requestId = input.requestId ?? null
      const r = await withImportStore(async (store) =>
        (await service()).importBundleBytes(host(store), bytes, label, { onProgress: (p) => void bus.publish('bundles:progressed', { requestId, ...p }) }))
      if (input.uploadId) held.delete(input.uploadId)
      return { fileName: label, summary: summaryOf(r.manifest), report: { items: r.items, written: r.written, refsRemapped: r.refsRemapped, changed: r.changed } }
    },
  }
}
