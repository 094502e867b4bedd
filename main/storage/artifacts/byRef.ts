import { KEY_OF, keyOfRef, refNotDerived } from '../stacks/entryKeys'

/**
 * SQL reading the artifact `ref` wherever it is stored: an `artifacts` row, a live state row or the
 * model call stored with one. A state's ref names its row's key (entryKeys.ts), which is read
 * directly; a ref of another form is found through the partial ref indexes. `record`, `state` and
 * `call` are the columns to read from each; the parameters are {@link byRefParams}.
 */
export const byRefSql = (record: string, state: string, call: string): string => `SELECT ${record} FROM artifacts WHERE ref = ?
  UNION ALL SELECT ${state} FROM stack_entries WHERE key = ${KEY_OF} AND ref = ? AND copied = 0
  UNION ALL SELECT ${state} FROM stack_entries WHERE ref = ? AND copied = 0 AND ${refNotDerived('ref')}
  UNION ALL SELECT ${call} FROM stack_entries WHERE key = ${KEY_OF} AND call_ref = ? AND copied = 0
  UNION ALL SELECT ${call} FROM stack_entries WHERE call_ref = ? AND copied = 0 AND call_ref IS NOT NULL AND ${refNotDerived('call_ref')}`

/** The parameters of a {@link byRefSql} statement. */
export function byRefParams(ref: string): unknown[] {
  const k = keyOfRef(ref)
  const seq = k?.seq ?? null
  const stack = k?.stack ?? null
  const idx = k?.idx ?? null
  return [ref, seq, stack, idx, ref, ref, seq, stack, idx, ref, ref]
}
