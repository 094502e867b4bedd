import { UserInputError } from '../../engine/errors'
import type { BranchInfo, PruneResult } from '../../engine/ports/stacks'
import { asBranchId } from '../../engine/schema/states'
import { newShortId } from '../artifacts/ids'
import { checkIndex } from './checks'
import { entryTs, materialise } from './lineage'
import { MAX_INDEX, MAX_STACK_NO } from './entryKeys'
import { findBranchRow, keyRange, type BranchRow, type StackStatements } from './statements'

/** Turns a row into the port's view; `current` is the checked-out branch id. */
export const toBranchInfo = (r: BranchRow, current: string): BranchInfo => ({
  branch: asBranchId(r.branch_id),
  length: r.length,
  lastTs: r.last_ts,
  current: r.branch_id === current,
  parent: r.parent_branch === null ? null : asBranchId(r.parent_branch),
  forkIndex: r.fork_index,
  episodeId: r.episode_id,
  createdAt: r.created_at,
})

const getRow = (st: StackStatements, c: string, a: string, b: string): BranchRow => findBranchRow(st, c, a, b)!

/** New 8-hex branch id not used by this stack. */
function freshBranchId(st: StackStatements, c: string, a: string): string {
  for (;;) {
    const id = newShortId()
    if (!findBranchRow(st, c, a, id)) return id
  }
}

/**
 * Inserts a branch row of conversation `seq` under the next free stack number of that conversation
 * (`known` when the caller knows it, else read) and returns that number; a conversation holds at
 * most 65,536 stacks (their entry keys, see entryKeys.ts). The caller has checked that the
 * (conversation, agent, branch) triple is new: no index holds it since migration 015.
 */
export function insertBranchRow(
  st: StackStatements,
  seq: number,
  values: [c: string, a: string, b: string, parent: string | null, forkIndex: number | null, length: number, lastTs: number | null, episode: string, createdAt: number],
  known?: number,
): number {
  const stackNo = known ?? (st.nextStackNo.get(seq, seq) as number)
  if (stackNo > MAX_STACK_NO) throw new UserInputError(`conversation ${values[0]} holds the most stacks it can (${MAX_STACK_NO + 1} agent branches); prune some branches first`, 'STACK_FULL')
  st.insertBranch.run(seq, stackNo, ...values)
  return stackNo
}

/** O(1) fork: a row pointing at `from` with entries 0..atIndex inherited. Checks it out. */
export function forkBranch(st: StackStatements, from: BranchRow, atIndex: number, now: number): BranchRow {
  checkIndex(atIndex, from.branch_id, from.length)
  const { conversation_id: c, agent_id: a } = from
  const id = freshBranchId(st, c, a)
  const lastTs = entryTs(st, from, atIndex)
  insertBranchRow(st, from.seq, [c, a, id, from.branch_id, atIndex, atIndex + 1, lastTs, newShortId(), now])
  st.setCurrent.run(c, a, id)
  return getRow(st, c, a, id)
}

/**
 * Destructive: keeps entries 0..index (the states of the others stay as artifacts). Children that inherited later entries get their own copy
 * of them first (so no other branch changes), then the tail rows are deleted. New episode.
 */
export function rewindBranch(st: StackStatements, row: BranchRow, index: number): BranchRow {
  checkIndex(index, row.branch_id, row.length)
  const { conversation_id: c, agent_id: a, branch_id: b } = row
  for (const child of st.children.all(c, a, b) as BranchRow[]) {
    if (child.fork_index !== null && child.fork_index > index) {
      materialise(st, row, child, index + 1, child.fork_index)
      st.reparent.run(b, index, child.seq, child.stack_no)
    }
  }
  const lastTs = entryTs(st, row, index)
  const tail = keyRange(row, index + 1, MAX_INDEX)
  st.archiveRange.run(...tail)
  st.archiveLinksRange.run(...tail)
  st.deleteEntries.run(...tail)
  const forkIndex = row.fork_index === null ? null : Math.min(row.fork_index, index)
  st.updateAfterRewind.run(index + 1, lastTs, forkIndex, newShortId(), row.seq, row.stack_no)
  return getRow(st, c, a, b)
}

/** Deletes one non-main branch; its children are re-parented onto its parent, copying what they inherited from it. */
function deleteBranch(st: StackStatements, row: BranchRow): void {
  const { conversation_id: c, agent_id: a, branch_id: b } = row
  if (row.parent_branch === null || row.fork_index === null) throw new UserInputError(`branch ${b} cannot be deleted`)
  for (const child of st.children.all(c, a, b) as BranchRow[]) {
    const f = child.fork_index!
    if (f > row.fork_index) {
      materialise(st, row, child, row.fork_index + 1, f)
      st.reparent.run(row.parent_branch, row.fork_index, child.seq, child.stack_no)
    } else {
      st.reparent.run(row.parent_branch, f, child.seq, child.stack_no)
    }
  }
  const all = keyRange(row, 0, MAX_INDEX)
  st.archiveRange.run(...all)
  st.archiveLinksRange.run(...all)
  st.deleteEntries.run(...all)
  st.deleteBranch.run(row.seq, row.stack_no)
}

/** Branches other than main and `current` whose newest entry (or creation, when empty) is older than `olderThan`. */
export function pruneBranches(
  st: StackStatements,
  c: string,
  a: string,
  current: string,
  olderThan: number,
  dryRun: boolean,
): PruneResult {
  if (typeof olderThan !== 'number' || !Number.isFinite(olderThan)) {
    throw new UserInputError(`prune cutoff ${String(olderThan)}: expected epoch milliseconds`, 'BAD_PRUNE')
  }
  const rows = (st.branches.all(c, a) as BranchRow[]).filter(
    (r) => r.branch_id !== 'main' && r.branch_id !== current && (r.last_ts ?? r.created_at) < olderThan,
  )
  const candidates = rows.map((r) => toBranchInfo(r, current))
  if (!dryRun) for (const r of rows) deleteBranch(st, getRow(st, c, a, r.branch_id))
  return { candidates, deleted: !dryRun && rows.length > 0 }
}
