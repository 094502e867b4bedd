import { UserInputError } from '../../engine/errors'
import type { BranchRow, ConversationRow, StackStatements } from './statements'

/** "unknown branch abc12345 for conversation X; branches: main, …" with nothing changed. */
export function unknownBranch(st: StackStatements, conv: ConversationRow, agent: string, branch: string): UserInputError {
  const names = (st.branches.all(conv.id, agent) as BranchRow[]).map((b) => b.branch_id)
  if (!names.includes('main')) names.unshift('main')
  const who = agent === conv.root_agent ? '' : `, agent ${agent}`
  return new UserInputError(`unknown branch ${branch} for conversation ${conv.name}${who}; branches: ${names.join(', ')}`, 'UNKNOWN_BRANCH')
}

const describe = (branch: string, length: number): string =>
  length === 0 ? `branch ${branch} has no entries` : `branch ${branch} has ${length} entries (0–${length - 1})`

/** Checks 0 <= index < length for an entry index; the message names the branch and its range. */
export function checkIndex(index: number, branch: string, length: number, what = 'index'): void {
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    throw new UserInputError(`${what} ${String(index)} is not a whole number: ${describe(branch, length)}`, 'BAD_INDEX')
  }
  if (index < 0 || index >= length) throw new UserInputError(`${what} ${index} out of range: ${describe(branch, length)}`, 'BAD_INDEX')
}

/** Checks a positive whole `limit`. */
export function checkLimit(limit: number): void {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new UserInputError(`limit ${String(limit)} out of range: expected a whole number ≥ 1`, 'BAD_INDEX')
  }
}
