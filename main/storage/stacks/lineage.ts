import { InternalError } from '../../engine/errors'
import { findBranchRow, keyRange, type BranchRow, type StackStatements } from './statements'

/** A run of logical indexes [lo, hi] stored physically under `branch`. */
export interface Segment {
  branch: string
  /** The stack number of `branch` (its rows' key range, see entryKeys.ts). */
  stack: number
  lo: number
  hi: number
}

/**
 * Where the entries of a branch physically live, oldest first. A branch owns the indexes after
 * its fork index; the rest come from its parent's lineage up to that index. Invariant kept by
 * rewind and prune: a parent always holds every index its children inherit.
 */
export function lineage(st: StackStatements, row: BranchRow): Segment[] {
  const out: Segment[] = []
  let cur: BranchRow | undefined = row
  let hi = row.length - 1
  for (let depth = 0; cur; depth++) {
    if (depth > 10_000) throw new InternalError(`branch lineage of ${row.branch_id} has a cycle`)
    const lo = cur.fork_index === null ? 0 : cur.fork_index + 1
    if (hi >= lo) out.push({ branch: cur.branch_id, stack: cur.stack_no, lo, hi })
    if (cur.parent_branch === null || cur.fork_index === null) break
    hi = Math.min(hi, cur.fork_index)
    if (hi < 0) break
    const parent = findBranchRow(st, cur.conversation_id, cur.agent_id, cur.parent_branch)
    if (!parent) throw new InternalError(`branch ${cur.branch_id} points at missing parent ${cur.parent_branch}`)
    cur = parent
  }
  return out.reverse()
}

/** The segments of `row` clipped to [from, to]. */
export function segmentsIn(st: StackStatements, row: BranchRow, from: number, to: number): Segment[] {
  const out: Segment[] = []
  for (const s of lineage(st, row)) {
    const lo = Math.max(s.lo, from)
    const hi = Math.min(s.hi, to)
    if (lo <= hi) out.push({ branch: s.branch, stack: s.stack, lo, hi })
  }
  return out
}

/** The parameters of a `KEY_BETWEEN` statement for a segment of a stack of conversation `seq`. */
export const segmentRange = (seq: number, s: Segment): number[] => keyRange({ seq, stack_no: s.stack }, s.lo, s.hi)

/** Copies the logical entries [from, to] of `source` into `target` as its own rows (same refs). */
export function materialise(st: StackStatements, source: BranchRow, target: BranchRow, from: number, to: number): void {
  for (const s of segmentsIn(st, source, from, to)) {
    st.copyEntries.run(target.seq, target.stack_no, target.branch_id, ...segmentRange(source.seq, s))
  }
}

/** Timestamp of logical entry `index` of `row`. */
export function entryTs(st: StackStatements, row: BranchRow, index: number): number {
  const [seg] = segmentsIn(st, row, index, index)
  if (!seg) throw new InternalError(`branch ${row.branch_id} has no entry ${index}`)
  return st.entryTs.get(row.seq, seg.stack, index) as number
}
