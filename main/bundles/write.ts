import { createHash } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import yazl from 'yazl'
import { CONFIG_PREFIX, ManifestSchema, TABLE_NAMES, TABLES, tableEntry, type BundleManifest, type Rows, type TableName } from './format'

/** Every entry's mtime: a fixed local date, written as DOS time only, so the zip does not depend on when or where it was made. */
const FIXED_MTIME = new Date(2000, 0, 1)

/** One JSON line per row, keys in schema order (so equal rows are equal bytes). */
export function jsonl<T extends TableName>(t: T, rows: readonly Rows[T][number][]): Buffer {
  const keys = Object.keys(TABLES[t].row.shape)
  return Buffer.from(rows.map((r) => JSON.stringify(r, keys) + '\n').join(''), 'utf8')
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** The entry bytes of a bundle (tables then config files), before any manifest. */
export function entryBuffers(rows: Rows, configFiles: Record<string, string>, scrub: (text: string) => string = (t) => t): [string, Buffer][] {
  const out: [string, Buffer][] = TABLE_NAMES.map((t) => [tableEntry(t), Buffer.from(scrub(jsonl(t, rows[t] as never).toString('utf8')), 'utf8')])
  for (const [path, text] of Object.entries(configFiles)) out.push([CONFIG_PREFIX + path, Buffer.from(text, 'utf8')])
  return out
}

/** The manifest's entry list for these buffers. */
export const manifestEntries = (entries: readonly [string, Buffer][]) => entries.map(([name, b]) => ({ name, sha256: sha256(b), size: b.length }))

/**
 * Zips the manifest and the entries (manifest first, then entries in the given order).
 * `compressionLevel`: deflate level 1..9 (default 6, zlib's), or 0 to store the entries.
 */
export function zipBundle(manifest: BundleManifest, entries: readonly [string, Buffer][], compressionLevel = 6): Promise<Buffer> {
  ManifestSchema.parse(manifest)
  const zip = new yazl.ZipFile()
  const options = { mtime: FIXED_MTIME, mode: 0o100644, compressionLevel, forceDosTimestamp: true }
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'), 'manifest.json', options)
  for (const [name, b] of entries) zip.addBuffer(b, name, options)
  zip.end()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c))
    zip.outputStream.on('error', reject)
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
  })
}

/** Writes `bytes` to `file` through a temp file and a rename: the target is whole or absent, never half-written. */
export function writeFileAtomic(file: string, bytes: Buffer): void {
  const tmp = `${file}.${process.pid}.partial`
  try {
    writeFileSync(tmp, bytes, { mode: 0o600 })
    renameSync(tmp, file)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
}
