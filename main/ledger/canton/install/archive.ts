import { mkdirSync } from 'node:fs'
import { posix } from 'node:path'
import { list, extract, type ReadEntry } from 'tar'
import { LedgerError } from '../../../engine/errors'

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link', 'GlobalExtendedHeader', 'ExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath', 'OldExtendedHeader'])

/** Why an entry would land outside the install folder, or undefined when it is safe. */
export function unsafeEntry(path: string, type: string, linkpath?: string): string | undefined {
  const p = path.replace(/\\/g, '/')
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `absolute path "${path}"`
  if (p.split('/').includes('..')) return `path "${path}" climbs out with ".."`
  if (!ALLOWED.has(type)) return `entry "${path}" is a ${type}`
  if ((type === 'SymbolicLink' || type === 'Link') && linkpath !== undefined) {
    const l = linkpath.replace(/\\/g, '/')
    if (l.startsWith('/') || /^[A-Za-z]:/.test(l)) return `link "${path}" points to the absolute path "${linkpath}"`
    const base = type === 'SymbolicLink' ? posix.dirname(posix.normalize(p)) : '.'
    const target = posix.normalize(posix.join(base, l))
    if (target === '..' || target.startsWith('../')) return `link "${path}" points outside the archive ("${linkpath}")`
  }
  return undefined
}

/**
 * Reads the whole archive once before anything is written: refuses absolute paths, `..`,
 * links out of the tree and device entries (CANTON_ARCHIVE_UNSAFE); returns how many leading
 * folders to strip (1 when everything sits under one top folder, as in Canton's release).
 */
export async function inspectArchive(file: string): Promise<{ strip: number; entries: number }> {
  const tops = new Set<string>()
  let entries = 0
  let bad: string | undefined
  try {
    await list({
      file,
      onReadEntry: (e: ReadEntry) => {
        entries++
        bad ??= unsafeEntry(e.path, e.type, e.linkpath)
        const first = e.path.replace(/\\/g, '/').replace(/^\.\//, '').split('/')[0]
        if (first) tops.add(e.path.replace(/^\.\//, '').includes('/') || e.type === 'Directory' ? first : `file:${first}`)
      },
    })
  } catch (err) {
    throw new LedgerError(`the downloaded archive is not a readable .tar.gz (${err instanceof Error ? err.message : String(err)})`, 'CANTON_ARCHIVE', { cause: err })
  }
  if (bad) throw new LedgerError(`refused to unpack the Canton archive: ${bad}`, 'CANTON_ARCHIVE_UNSAFE')
  if (entries === 0) throw new LedgerError('the downloaded archive is empty', 'CANTON_ARCHIVE')
  const single = tops.size === 1 && !([...tops][0]!.startsWith('file:'))
  return { strip: single ? 1 : 0, entries }
}

/** Unpacks an inspected archive into `dir` (strict: any tar warning fails the install). */
export async function unpackArchive(file: string, dir: string, strip: number): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  try {
    await extract({ file, cwd: dir, strip, strict: true, preservePaths: false })
  } catch (err) {
    throw new LedgerError(`unpacking the Canton archive failed: ${err instanceof Error ? err.message : String(err)}`, 'CANTON_ARCHIVE', { cause: err })
  }
}
