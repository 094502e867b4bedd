import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** Largest config or spec file read (agents.yml, config.json, rollout YAMLs, `.env`): 5 MB. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024

/** `5242880` → `5 MB`, `6291456` → `6 MB`, `345` → `345 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`
  const mb = n / (1024 * 1024)
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`
}

/** The text of a file, or why it was refused (`file not found`, `is a folder…`, `is 6 MB, over the limit of 5 MB`). */
export type LimitedRead = { text: string } | { problem: string; code?: string }

/**
 * The one guarded reader of input files: opens the file, checks (on the open descriptor) that it
 * is a regular file no larger than `maxBytes`, then reads at most `maxBytes + 1` bytes, so a
 * device (`/dev/zero`), a FIFO or a file that grows while read can never hang or exhaust the
 * process. Never throws; the problem names the size and the limit.
 */
export function readLimited(path: string, maxBytes = MAX_INPUT_BYTES): LimitedRead {
  let fd: number
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not block.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { problem: 'file not found', code }
    if (code === 'EISDIR') return { problem: 'is a folder, expected a file', code }
    return { problem: `cannot read (${code})`, code }
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) return { problem: 'is a folder, expected a file', code: 'EISDIR' }
    if (!st.isFile()) return { problem: 'is not a regular file (a device, pipe or socket); expected a YAML/JSON/.env file', code: 'NOT_FILE' }
    if (st.size > maxBytes) return { problem: `is ${formatBytes(st.size)}, over the limit of ${formatBytes(maxBytes)} for input files`, code: 'TOO_LARGE' }
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1)
    let total = 0
    for (;;) {
      const n = readSync(fd, buf, total, buf.length - total, null)
      if (n === 0) break
      total += n
      if (total >= buf.length) break
    }
    if (total > maxBytes) return { problem: `grew past the limit of ${formatBytes(maxBytes)} for input files while being read`, code: 'TOO_LARGE' }
    return { text: buf.subarray(0, total).toString('utf8') }
  } catch (err) {
    return { problem: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }
  } finally {
    closeSync(fd)
  }
}
