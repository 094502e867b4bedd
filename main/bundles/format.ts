import { z } from 'zod'

/**
 * The `.p2bundle` format: a zip with `manifest.json` and one JSONL file per table (rows as
 * stored, sorted by their key), plus `config/…` files. The manifest lists every other entry with
 * its SHA-256 and size; readers check all of them and the schema of every row.
 */
export const BUNDLE_FORMAT = 'p2engine-bundle'
/** The format version this build writes; older versions are migrated on read (see migrate.ts). */
export const BUNDLE_VERSION = 2
export const BUNDLE_EXTENSION = '.p2bundle'

const int = z.number().int()
const intOrNull = int.nullable()
const str = z.string()
const strOrNull = str.nullable()
const numOrNull = z.number().nullable()

/** One row schema and sort key per JSONL table entry, in the order they are written. */
export const TABLES = {
  conversations: { key: ['id'], row: z.strictObject({ id: str, name: str, root_agent: str, created_at: int, metadata: str }) },
  branches: {
    key: ['conversation_id', 'agent_id', 'branch_id'],
    row: z.strictObject({
      conversation_id: str, agent_id: str, branch_id: str, parent_branch: strOrNull, fork_index: intOrNull, length: int,
      last_ts: intOrNull, episode_id: str, created_at: int, current: z.union([z.literal(0), z.literal(1)]),
    }),
  },
  entries: {
    key: ['conversation_id', 'agent_id', 'branch_id', 'idx'],
    row: z.strictObject({
      conversation_id: str, agent_id: str, branch_id: str, idx: int, ts: int, kind: str, ref: str, copied: int, episode_id: str,
      step_idx: int, state_id: strOrNull, score: numOrNull, reward: numOrNull, header: str, state: str,
    }),
  },
  artifacts: {
    key: ['ref'],
    row: z.strictObject({
      ref: str, session_id: str, agent_id: str, branch_id: str, episode_id: str, step_idx: int, type: str, role: str, state_kind: strOrNull,
      state_id: strOrNull, mime: str, ts: int, score: numOrNull, reward: numOrNull, raw_len: int, header: str, body: str,
    }),
  },
  links: { key: ['child_ref', 'parent_ref'], row: z.strictObject({ child_ref: str, parent_ref: str, position: int }) },
  overrides: { key: ['conversation_id', 'agent_id'], row: z.strictObject({ conversation_id: str, agent_id: str, doc: str, locked: int, updated_at: int }) },
  /** `conversation_id` (v2): the bundle's conversation the exchange was made for, or null (made before v2, or for a conversation outside the bundle). */
  recordings: { key: ['hash', 'ordinal'], row: z.strictObject({ hash: str, ordinal: int, model: str, doc: str, recorded_at: str, conversation_id: strOrNull }) },
  rollouts: {
    key: ['id'],
    row: z.strictObject({
      id: str, spec_file: str, spec: str, spec_yaml: str, status: z.enum(['running', 'done', 'failed']), created_at: int, finished_at: intOrNull,
      ledger_before: strOrNull, ledger_after: strOrNull,
    }),
  },
  variants: {
    key: ['rollout_id', 'team', 'variant_id'],
    row: z.strictObject({
      rollout_id: str, team: str, variant_id: str, position: int, status: z.enum(['queued', 'running', 'done', 'failed']), conversation_id: strOrNull,
      overrides: str, metrics: strOrNull, error: strOrNull, started_at: intOrNull, finished_at: intOrNull,
    }),
  },
  transfers: {
    key: ['tx_id'],
    row: z.strictObject({
      tx_id: str, command_id: str, conversation_id: str, from_agent: str, to_agent: str, amount: str, reason: str, committed_at: str, details: str,
    }),
  },
} as const

export type TableName = keyof typeof TABLES
export const TABLE_NAMES = Object.keys(TABLES) as TableName[]
export type Row<T extends TableName> = z.infer<(typeof TABLES)[T]['row']>
export type Rows = { [T in TableName]: Row<T>[] }

/** The JSONL entry name of a table. */
export const tableEntry = (t: TableName): string => `${t}.jsonl`
/** Config files live under this folder in the zip. */
export const CONFIG_PREFIX = 'config/'

export const ManifestEntrySchema = z.strictObject({ name: str.min(1), sha256: str.regex(/^[0-9a-f]{64}$/), size: int.nonnegative() })

export const CountsSchema = z.strictObject({
  conversations: int, branches: int, entries: int, artifacts: int, evaluations: int, links: int, overrides: int, recordings: int,
  rollouts: int, variants: int, transfers: int, configFiles: int,
})
export type BundleCounts = z.infer<typeof CountsSchema>

export const ManifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  appVersion: str,
  /** ISO time of export: the only wall-clock value in the bundle, and only in the manifest. */
  created: str,
  sourceMachine: str.min(1),
  contents: z.strictObject({
    scope: z.enum(['conversations', 'rollouts', 'all']),
    conversations: z.array(z.strictObject({ id: str, name: str })),
    rollouts: z.array(z.strictObject({ id: str, specFile: str })),
  }),
  counts: CountsSchema,
  entries: z.array(ManifestEntrySchema),
})
export type BundleManifest = z.infer<typeof ManifestSchema>

/** Everything a bundle holds, parsed: the manifest, every table's rows and the config files. */
export interface BundleContent {
  manifest: BundleManifest
  rows: Rows
  /** Config files by path relative to the config folder (already scrubbed of secrets). */
  configFiles: Record<string, string>
}

export const emptyRows = (): Rows => Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as Rows

/** Rows in their table's key order (stable output for identical data). */
export function sortRows<T extends TableName>(t: T, rows: Row<T>[]): Row<T>[] {
  const key = TABLES[t].key as readonly string[]
  const cmp = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    for (const k of key) {
      const x = a[k] as string | number
      const y = b[k] as string | number
      if (x < y) return -1
      if (x > y) return 1
    }
    return 0
  }
  return [...rows].sort(cmp as (a: Row<T>, b: Row<T>) => number)
}

/** Counts for the manifest. */
export function countsOf(rows: Rows, configFiles: number): BundleCounts {
  return {
    conversations: rows.conversations.length, branches: rows.branches.length, entries: rows.entries.length, artifacts: rows.artifacts.length,
    evaluations: rows.artifacts.filter((a) => a.type === 'evaluation').length, links: rows.links.length, overrides: rows.overrides.length,
    recordings: rows.recordings.length, rollouts: rows.rollouts.length, variants: rows.variants.length, transfers: rows.transfers.length, configFiles,
  }
}
