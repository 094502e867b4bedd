import Table from 'cli-table3'
import pc from 'picocolors'
import { writeStderr, writeStdout } from './stdio'

/** Where CLI output goes; tests capture it. */
export interface Output {
  out(text: string): void
  err(text: string): void
}

/** The process's stdout and stderr; writes after the reader went away are dropped (see `stdio.ts`). */
export const processOutput: Output = {
  out: (t) => writeStdout(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => writeStderr(t.endsWith('\n') ? t : t + '\n'),
}

/** Pretty JSON for `--json` (bigints as strings). */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }

/** A titled human table. */
export function table(title: string | null, head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head: head.map((h) => pc.bold(h)), style: { head: [], border: [] }, chars: COMPACT })
  for (const r of rows) t.push(r.map(String))
  return (title ? pc.bold(title) + '\n' : '') + t.toString()
}

/** A two-column key/value panel. */
export function panel(title: string, entries: [string, string | number][]): string {
  const t = new Table({ style: { head: [], border: [] }, chars: COMPACT })
  for (const [k, v] of entries) t.push({ [pc.bold(k)]: String(v) })
  return pc.bold(title) + '\n' + t.toString()
}

export { pc }
