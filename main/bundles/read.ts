import { unzipSync } from 'fflate'
import yauzl from 'yauzl'
import { checkReferences } from './consistency'
import { bundleError } from './errors'
import { BUNDLE_FORMAT, BUNDLE_VERSION, CONFIG_PREFIX, ManifestSchema, TABLE_NAMES, TABLES, emptyRows, tableEntry, type BundleContent, type Rows } from './format'
import { BUNDLE_MIGRATIONS, type RawBundle } from './migrate'
import { sha256 } from './write'

/** Progress of a long read or import, for progress bars. */
export interface BundleProgress {
  phase: 'read' | 'verify' | 'import'
  done: number
  total: number
}


const issueText = (e: { issues: { path: PropertyKey[]; message: string }[] }): string =>
  e.issues.slice(0, 2).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(row)'}: ${i.message}`).join('; ')

/** Largest entry and largest total a bundle may unpack to (a hostile zip must not exhaust memory). */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024
export const MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024 - 1

/**
 * Bundles up to this size are unpacked synchronously (fflate): a scale-out result or a chat export
 * of a few KB then costs ~0.05 ms instead of ~0.4 ms and a dozen event-loop turns of streams. Larger
 * ones go through yauzl's streams, so a big import never holds the event loop (the app's main
 * process) for long.
 */
export const SYNC_UNZIP_MAX_BYTES = 8 * 1024 * 1024

/** Why an entry name is refused (yauzl's rules: no backslash, no absolute path, no `..`), or null. */
function badEntryName(name: string): string | null {
  if (name.includes('\\')) return `invalid characters in fileName: ${name}`
  if (/^[a-zA-Z]:/.test(name) || name.startsWith('/')) return `absolute path: ${name}`
  if (name.split('/').includes('..')) return `invalid relative path: ${name}`
  return null
}

/** Every file entry of a zip held in memory. Any zip-level damage is one error naming the entry (or the file). */
export function unzip(bytes: Buffer, label: string): Promise<Map<string, Buffer>> {
  if (bytes.length > SYNC_UNZIP_MAX_BYTES) return unzipStreamed(bytes, label)
  try {
    return Promise.resolve(unzipInMemory(bytes, label))
  } catch (err) {
    return Promise.reject(err)
  }
}

/** The same checks as {@link unzipStreamed}, in one synchronous pass (small bundles). */
export function unzipInMemory(bytes: Buffer, label: string): Map<string, Buffer> {
  const names = new Set<string>()
  let total = 0
  let refused: Error | undefined
  let out: Record<string, Uint8Array>
  try {
    out = unzipSync(bytes, {
      filter: (f) => {
        if (refused || f.name.endsWith('/')) return false
        const bad = badEntryName(f.name)
        if (bad) refused = bundleError(label, `damaged zip directory: ${bad}`)
        else if (names.has(f.name)) refused = bundleError(label, `entry ${f.name} appears twice`)
        else {
          names.add(f.name)
          total += f.originalSize
          if (f.originalSize > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES) {
            refused = bundleError(label, `entry ${f.name} unpacks to ${f.originalSize} bytes, over the limit (${MAX_ENTRY_BYTES} per entry, ${MAX_TOTAL_BYTES} in all)`)
          }
        }
        return !refused
      },
    })
  } catch (err) {
    throw refused ?? bundleError(label, `not a readable bundle (truncated, damaged or not a zip): ${err instanceof Error ? err.message : String(err)}`)
  }
  if (refused) throw refused
  const files = new Map<string, Buffer>()
  for (const [name, data] of Object.entries(out)) files.set(name, Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  return files
}

/** {@link unzip} through yauzl's streams (large bundles). */
export function unzipStreamed(bytes: Buffer, label: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, zip) => {
      if (err || !zip) return reject(bundleError(label, `not a readable bundle (truncated, damaged or not a zip): ${err?.message ?? 'no zip'}`))
      const files = new Map<string, Buffer>()
      let total = 0
      zip.on('error', (e: Error) => reject(bundleError(label, `damaged zip directory: ${e.message}`)))
      zip.on('end', () => resolve(files))
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry()
        if (files.has(entry.fileName)) return reject(bundleError(label, `entry ${entry.fileName} appears twice`))
        total += entry.uncompressedSize
        if (entry.uncompressedSize > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES) {
          return reject(bundleError(label, `entry ${entry.fileName} unpacks to ${entry.uncompressedSize} bytes, over the limit (${MAX_ENTRY_BYTES} per entry, ${MAX_TOTAL_BYTES} in all)`))
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(bundleError(label, `entry ${entry.fileName} is damaged: ${e?.message ?? 'unreadable'}`))
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('error', (se: Error) => reject(bundleError(label, `entry ${entry.fileName} is damaged: ${se.message}`)))
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks))
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  })
}

/** The manifest's format version, or a one-line error (not a bundle, newer than this build, no migration). */
function versionOf(raw: RawBundle, label: string): number {
  const m = raw.manifest as { format?: unknown; version?: unknown }
  if (!m || typeof m !== 'object' || m.format !== BUNDLE_FORMAT) throw bundleError(label, `manifest.json does not name the format "${BUNDLE_FORMAT}": not a P2Engine bundle`)
  if (typeof m.version !== 'number' || !Number.isInteger(m.version)) throw bundleError(label, 'manifest.json: version must be an integer')
  if (m.version > BUNDLE_VERSION) {
    throw bundleError(label, `format version ${m.version} is newer than this build reads (version ${BUNDLE_VERSION}); upgrade P2Engine to import it`)
  }
  if (m.version < BUNDLE_VERSION && !BUNDLE_MIGRATIONS[m.version]) throw bundleError(label, `format version ${m.version} is not supported (this build reads versions ${Math.min(...Object.keys(BUNDLE_MIGRATIONS).map(Number))} to ${BUNDLE_VERSION})`)
  return m.version
}

/** Checks every listed entry's size and SHA-256, and that nothing unlisted is in the zip. */
function checkEntries(raw: RawBundle, listed: readonly { name: string; sha256: string; size?: number }[], label: string): void {
  const names = new Set(listed.map((e) => e.name))
  for (const e of listed) {
    const b = raw.files.get(e.name)
    if (!b) throw bundleError(label, `entry ${e.name} is listed in the manifest but missing`)
    if (e.size !== undefined && b.length !== e.size) throw bundleError(label, `entry ${e.name} has ${b.length} bytes, the manifest says ${e.size}`)
    if (sha256(b) !== e.sha256) throw bundleError(label, `entry ${e.name} fails its SHA-256 check (changed or damaged)`)
  }
  for (const name of raw.files.keys()) if (name !== 'manifest.json' && !names.has(name)) throw bundleError(label, `entry ${name} is not listed in the manifest`)
}

function parseRows(raw: RawBundle, label: string): Rows {
  const rows = emptyRows()
  for (const t of TABLE_NAMES) {
    const name = tableEntry(t)
    const b = raw.files.get(name)
    if (!b) throw bundleError(label, `entry ${name} is missing`)
    const lines = b.toString('utf8').split('\n')
    if (lines.pop() !== '') throw bundleError(label, `entry ${name} does not end with a newline`)
    const out: unknown[] = []
    lines.forEach((line, i) => {
      let json: unknown
      try {
        json = JSON.parse(line)
      } catch {
        throw bundleError(label, `entry ${name} line ${i + 1} is not JSON`)
      }
      const r = TABLES[t].row.safeParse(json)
      if (!r.success) throw bundleError(label, `entry ${name} line ${i + 1}: ${issueText(r.error)}`)
      out.push(r.data)
    })
    ;(rows as Record<string, unknown[]>)[t] = out
  }
  return rows
}

/**
 * Reads and verifies a bundle held in memory: zip structure, manifest schema, format version
 * (older ones migrated, newer ones refused naming both versions), every entry's size and
 * SHA-256, and the schema of every row. The first problem is one `UserInputError` line naming it.
 */
export async function readBundle(bytes: Buffer, label: string, onProgress?: (p: BundleProgress) => void): Promise<BundleContent> {
  onProgress?.({ phase: 'read', done: 0, total: bytes.length })
  const files = await unzip(bytes, label)
  onProgress?.({ phase: 'read', done: bytes.length, total: bytes.length })
  const m = files.get('manifest.json')
  if (!m) throw bundleError(label, 'manifest.json is missing: not a P2Engine bundle')
  let manifest: unknown
  try {
    manifest = JSON.parse(m.toString('utf8'))
  } catch {
    throw bundleError(label, 'manifest.json is not JSON')
  }
  let raw: RawBundle = { manifest, files }
  let version = versionOf(raw, label)
  while (version < BUNDLE_VERSION) {
    const step = BUNDLE_MIGRATIONS[version]!
    checkEntries(raw, step.entries(raw.manifest, label), label)
    raw = step.upgrade(raw)
    version++
  }
  const parsed = ManifestSchema.safeParse(raw.manifest)
  if (!parsed.success) throw bundleError(label, `manifest.json: ${issueText(parsed.error)}`)
  checkEntries(raw, parsed.data.entries, label)
  onProgress?.({ phase: 'verify', done: 1, total: 1 })
  const rows = parseRows(raw, label)
  checkReferences(rows, label)
  const configFiles: Record<string, string> = {}
  for (const [name, b] of raw.files) if (name.startsWith(CONFIG_PREFIX)) configFiles[name.slice(CONFIG_PREFIX.length)] = b.toString('utf8')
  return { manifest: parsed.data, rows, configFiles }
}
