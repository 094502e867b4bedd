import { z } from 'zod'
import { BUNDLE_FORMAT, TABLE_NAMES, tableEntry, type BundleCounts } from './format'
import { bundleError } from './errors'
import { manifestEntries } from './write'

/** A bundle as read from the zip, before its manifest is checked against the current schema. */
export interface RawBundle {
  manifest: unknown
  files: Map<string, Buffer>
}

/** How to read one past format version: the entry checksums its manifest lists, and the step to the next version. */
export interface BundleMigration {
  entries(manifest: unknown, label: string): { name: string; sha256: string; size?: number }[]
  upgrade(raw: RawBundle): RawBundle
}

/**
 * Format 0 (the first draft, before rollouts were bundled): the manifest named the app `app`,
 * the time `createdAt`, the machine `machine` and listed `checksums` (name → SHA-256, no sizes);
 * stack entries were `stack.jsonl` with the state as a JSON object; branches, overrides and
 * recordings had their v1 shape; there were no rollouts, variants or transfers.
 */
const V0Manifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(0),
  app: z.string(),
  createdAt: z.string(),
  machine: z.string().min(1),
  checksums: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
})

const v0: BundleMigration = {
  entries(manifest, label) {
    const m = V0Manifest.safeParse(manifest)
    if (!m.success) throw bundleError(label, `manifest.json (format version 0): ${m.error.issues[0]?.path.join('.')}: ${m.error.issues[0]?.message}`)
    return Object.entries(m.data.checksums).map(([name, sha256]) => ({ name, sha256 }))
  },
  upgrade(raw) {
    const m = V0Manifest.parse(raw.manifest)
    const files = new Map(raw.files)
    const stack = files.get('stack.jsonl')?.toString('utf8') ?? ''
    files.delete('stack.jsonl')
    const entries = stack.split('\n').filter(Boolean).map((l) => {
      const row = JSON.parse(l) as Record<string, unknown>
      return `${JSON.stringify({ ...row, state: JSON.stringify(row.state) })}\n`
    })
    files.set(tableEntry('entries'), Buffer.from(entries.join(''), 'utf8'))
    for (const t of TABLE_NAMES) if (!files.has(tableEntry(t))) files.set(tableEntry(t), Buffer.alloc(0))
    const lines = (t: string) => (files.get(`${t}.jsonl`)?.toString('utf8') ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
    const conversations = lines('conversations').map((c) => ({ id: String(c.id), name: String(c.name) }))
    const counts = Object.fromEntries(TABLE_NAMES.map((t) => [t, lines(t).length])) as Record<string, number>
    const listed = [...files.keys()].filter((n) => n !== 'manifest.json').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const manifest = {
      format: BUNDLE_FORMAT, version: 1, appVersion: m.app, created: m.createdAt, sourceMachine: m.machine,
      contents: { scope: 'conversations', conversations, rollouts: [] },
      counts: {
        ...counts, evaluations: lines('artifacts').filter((a) => a.type === 'evaluation').length,
        configFiles: listed.filter((n) => n.startsWith('config/')).length,
      } as unknown as BundleCounts,
      entries: manifestEntries(listed.map((n) => [n, files.get(n)!])),
    }
    return { manifest, files }
  },
}

/** Format 1: as 2, but recordings named no conversation. */
const V1Manifest = z.looseObject({ version: z.literal(1), entries: z.array(z.strictObject({ name: z.string(), sha256: z.string(), size: z.number().int().nonnegative() })) })

const v1: BundleMigration = {
  entries(manifest, label) {
    const m = V1Manifest.safeParse(manifest)
    if (!m.success) throw bundleError(label, `manifest.json (format version 1): ${m.error.issues[0]?.path.join('.')}: ${m.error.issues[0]?.message}`)
    return m.data.entries
  },
  upgrade(raw) {
    const m = V1Manifest.parse(raw.manifest)
    const files = new Map(raw.files)
    const name = tableEntry('recordings')
    const lines = (files.get(name)?.toString('utf8') ?? '').split('\n').filter(Boolean)
    // Rows that are not JSON objects stay as they are: the row check after the migration names them.
    const upgraded = lines.map((l) => {
      try {
        const row = JSON.parse(l) as unknown
        return row && typeof row === 'object' && !Array.isArray(row) ? JSON.stringify({ ...row, conversation_id: null }) : l
      } catch {
        return l
      }
    })
    if (files.has(name)) files.set(name, Buffer.from(upgraded.map((l) => `${l}\n`).join(''), 'utf8'))
    const [fresh] = files.has(name) ? manifestEntries([[name, files.get(name)!]]) : []
    const entries = m.entries.map((e) => (e.name === name && fresh ? fresh : e))
    return { manifest: { ...m, version: 2, entries }, files }
  },
}

/** Past format versions this build reads: `BUNDLE_MIGRATIONS[v]` lifts a version-v bundle to v+1. */
export const BUNDLE_MIGRATIONS: Record<number, BundleMigration> = { 0: v0, 1: v1 }
