import { z } from 'zod'
import { defineEvent, defineInvoke } from './define'
import { LIST_MAX_ITEMS, NAME_MAX_CHARS, URL_MAX_CHARS } from './limits'

/**
 * Bundles domain: export conversations, rollouts and artifacts' conversations to a `.p2bundle`,
 * inspect one before importing it, import it with progress. Electron passes file paths from its
 * native dialogs; the browser host moves the bytes in base64 chunks (`bundles:download` after an
 * export without a path, `bundles:upload` before inspect/import) so no frame exceeds the limit.
 */

/** Base64 characters per download/upload chunk (inside one WebSocket frame, every character escaped). */
export const BUNDLE_CHUNK_CHARS = 1_000_000
const Path = z.string().min(1).max(URL_MAX_CHARS)
const Id = z.string().min(1).max(NAME_MAX_CHARS)

export const BundleCountsSchema = z.object({
  conversations: z.int(), branches: z.int(), entries: z.int(), artifacts: z.int(), evaluations: z.int(), links: z.int(), overrides: z.int(),
  recordings: z.int(), rollouts: z.int(), variants: z.int(), transfers: z.int(), configFiles: z.int(),
})

export const BundleSummarySchema = z.object({
  format: z.string(), version: z.int(), appVersion: z.string(), created: z.string(), sourceMachine: z.string(),
  contents: z.object({
    scope: z.enum(['conversations', 'rollouts', 'all']),
    conversations: z.array(z.object({ id: z.string(), name: z.string() })),
    rollouts: z.array(z.object({ id: z.string(), specFile: z.string() })),
  }),
  counts: BundleCountsSchema,
})
export type BundleSummary = z.infer<typeof BundleSummarySchema>

export const BundleImportItemSchema = z.object({
  kind: z.enum(['conversation', 'rollout']), sourceId: z.string(), id: z.string(), name: z.string(),
  status: z.enum(['imported', 'already-imported', 'present']),
  renamed: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
})

export const BundleImportReportSchema = z.object({
  items: z.array(BundleImportItemSchema), written: z.record(z.string(), z.int()), refsRemapped: z.int(), changed: z.boolean(),
})

/** Where a bundle to inspect or import is: a local path (Electron's open dialog) or an upload. */
const SourceSchema = z.object({ path: Path.optional(), uploadId: Id.optional() }).strict()
  .refine((s) => (s.path === undefined) !== (s.uploadId === undefined), 'give exactly one of path and uploadId')

export const bundlesInvokes = {
  'bundles:export': defineInvoke(
    'export conversations (name or id), rollouts (with every variant) or the conversations of chosen artifacts; to `path`, or held for bundles:download',
    z.object({
      conversations: z.array(Id).max(LIST_MAX_ITEMS).optional(),
      rollouts: z.array(Id).max(LIST_MAX_ITEMS).optional(),
      artifacts: z.array(Id).max(LIST_MAX_ITEMS).optional(),
      all: z.boolean().optional(),
      path: Path.optional(),
    }).strict(),
    z.object({ file: z.string().nullable(), downloadId: z.string().nullable(), fileName: z.string(), bytes: z.int(), summary: BundleSummarySchema }),
  ),
  'bundles:download': defineInvoke(
    'one base64 chunk of an exported bundle held for download',
    z.object({ downloadId: Id, offset: z.int().min(0) }).strict(),
    z.object({ dataBase64: z.string(), next: z.int(), done: z.boolean(), bytes: z.int() }),
  ),
  'bundles:upload': defineInvoke(
    'append one base64 chunk of a bundle file (no uploadId: start a new upload)',
    z.object({ uploadId: Id.optional(), fileName: z.string().min(1).max(NAME_MAX_CHARS).optional(), dataBase64: z.string().max(BUNDLE_CHUNK_CHARS) }).strict(),
    z.object({ uploadId: z.string(), bytes: z.int() }),
  ),
  'bundles:inspect': defineInvoke(
    'verify a bundle and preview it: manifest, counts, entry sizes and what importing it would do (changes nothing)',
    SourceSchema,
    z.object({ fileName: z.string(), bytes: z.int(), summary: BundleSummarySchema, entries: z.array(z.object({ name: z.string(), size: z.int() })), preview: BundleImportReportSchema }),
  ),
  'bundles:import': defineInvoke(
    'verify and import a bundle in one transaction; progress comes as bundles:progressed with the requestId',
    z.object({ path: Path.optional(), uploadId: Id.optional(), requestId: Id.optional() }).strict()
      .refine((s) => (s.path === undefined) !== (s.uploadId === undefined), 'give exactly one of path and uploadId'),
    z.object({ fileName: z.string(), summary: BundleSummarySchema, report: BundleImportReportSchema }),
  ),
  'bundles:choosePath': defineInvoke(
    'desktop only: the native save (export) or open (import) dialog for a .p2bundle; null when cancelled',
    z.object({ mode: z.enum(['save', 'open']), defaultName: z.string().min(1).max(NAME_MAX_CHARS).optional() }).strict(),
    z.object({ path: z.string().nullable() }),
  ),
  'bundles:origin': defineInvoke(
    'where an imported conversation or rollout came from (bundle file, source machine, time); null for local work',
    z.object({ kind: z.enum(['conversation', 'rollout']), id: Id }).strict(),
    z.object({ bundleFile: z.string(), sourceMachine: z.string(), sourceId: z.string(), importedAt: z.number() }).nullable(),
  ),
} as const

export const bundlesEvents = {
  'bundles:progressed': defineEvent(
    'progress of a bundle import (read, verify, import phases)',
    z.object({ requestId: z.string().nullable(), phase: z.enum(['read', 'verify', 'import']), done: z.int().min(0), total: z.int().min(0) }),
  ),
} as const
