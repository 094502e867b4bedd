import { LruMap } from '../../engine/runtime/lru'
import { MAIN_BRANCH } from '../../engine/schema/states'
import type { Conversation } from '../../engine/ports/stacks'
import { requireConversationRow, findConversationRow, toConversation } from './conversations'
import { findBranchRow, type BranchRow, type ConversationRow, type StackStatements } from './statements'
import { PerConversation } from './perConversation'

/**
 * Write-through copies of the conversation, branch and checked-out-branch rows, so a turn does
 * not read them again from SQLite. The stack store updates them with every write it makes and
 * clears them when another connection committed (seen through `PRAGMA data_version`), after a
 * rollback, and around the rare structural operations (fork, rewind, checkout, prune, rename,
 * delete). Bounded (LRU): memory stays flat however many conversations pass through.
 */
export class RowCache {
  private readonly convs = new LruMap<string, ConversationRow>(4096)
  private readonly branches = new PerConversation<BranchRow>(4096)
  private readonly currents = new PerConversation<string>(4096)
  /**
   * Conversations inserted by this connection, with the agents that have branch rows (all written
   * here): the lookups of any other agent would miss, and are not made. In a delegation the
   * child's first step then reads nothing.
   */
  private readonly fresh = new LruMap<string, Set<string>>(4096)

  constructor(private readonly st: StackStatements) {}

  /** Conversation row by id or name; the UserInputError of `requireConversationRow` when unknown. */
  requireConversation(idOrName: string): ConversationRow {
    const hit = this.convs.get(idOrName)
    if (hit) return hit
    const row = requireConversationRow(this.st, idOrName)
    this.convs.set(row.id, row)
    return row
  }

  findConversation(idOrName: string): ConversationRow | undefined {
    const hit = this.convs.get(idOrName)
    if (hit) return hit
    const row = findConversationRow(this.st, idOrName)
    if (row) this.convs.set(row.id, row)
    return row
  }

  /**
   * The conversation of a row from this cache, its metadata parsed once while the row stays
   * cached (a turn asks three times). Frozen, with its metadata: every reader shares it.
   */
  conversationOf(row: ConversationRow): Conversation {
    const hit = this.decoded.get(row.id)
    if (hit !== undefined && hit.row === row) return hit.conversation
    const c = toConversation(row)
    Object.freeze(c.metadata)
    const conversation = Object.freeze(c)
    this.decoded.set(row.id, { row, conversation })
    return conversation
  }

  private readonly decoded = new LruMap<string, { row: ConversationRow; conversation: Conversation }>(1024)

  /** A conversation this connection just inserted: it has no branch and no checked-out pointer yet. */
  addConversation(row: ConversationRow): void {
    this.convs.set(row.id, row)
    this.fresh.set(row.id, new Set())
  }

  /** Branch row, or undefined when it does not exist (misses are not cached). */
  branch(c: string, a: string, b: string): BranchRow | undefined {
    if (this.fresh.get(c)?.has(a) === false) return undefined
    const hit = this.branches.get(c, a, b)
    if (hit) return hit
    const row = findBranchRow(this.st, c, a, b)
    if (row) this.branches.set(c, a, b, row)
    return row
  }

  /**
   * The next free stack number of a conversation this connection inserted: its stacks are the
   * main branches of the agents in `fresh`, numbered from 0 (a fork drops these copies). Undefined
   * when not known here.
   */
  nextStackNo(c: string): number | undefined {
    return this.fresh.get(c)?.size
  }

  /** Records a branch row this connection wrote (insert or new tail). */
  putBranch(row: BranchRow): void {
    this.fresh.get(row.conversation_id)?.add(row.agent_id)
    this.branches.set(row.conversation_id, row.agent_id, row.branch_id, row)
  }

  /** The checked-out branch of the agent (main when there is no pointer). */
  current(c: string, a: string): string {
    const hit = this.currents.get(c, a, '')
    if (hit !== undefined) return hit
    // Only checkout and fork set a pointer, and both drop these copies: a fresh conversation has none.
    if (this.fresh.get(c) !== undefined) return MAIN_BRANCH
    return (this.st.current.get(c, a) as string | undefined) ?? MAIN_BRANCH
  }

  /** Remembers the checked-out branch once `c` is known to be a conversation id (not a name). */
  rememberCurrent(c: string, a: string, b: string): void {
    this.currents.set(c, a, '', b)
  }

  clear(): void {
    this.convs.clear()
    this.decoded.clear()
    this.branches.clear()
    this.currents.clear()
    this.fresh.clear()
  }
}
