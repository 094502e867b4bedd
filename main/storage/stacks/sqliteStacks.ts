import { UserInputError } from '../../engine/errors'
import type {
  BranchInfo,
  Conversation,
  NewConversation,
  PruneResult,
  PushOptions,
  PushResult,
  ReadRange,
  StackStore,
} from '../../engine/ports/stacks'
import type { ArtifactRef } from '../../engine/schema/artifacts'
import {
  MAIN_BRANCH,
  StateSchema,
  asAgentId,
  asBranchId,
  type AgentId,
  type BranchId,
  type ConversationId,
  type StackEntry,
  type State,
  type StateInput,
} from '../../engine/schema/states'
import { newShortId } from '../artifacts/ids'
import { entryHeaderColumn, modelCallColumns } from '../artifacts/headerRows'
import type { SqliteArtifactStore } from '../artifacts/sqliteArtifacts'
import type { SqliteStore } from '../sqliteStore'
import { forkBranch, insertBranchRow, pruneBranches, rewindBranch, toBranchInfo } from './branchOps'
import { checkEntryIndex, entryRefs } from './entryKeys'
import { checkIndex, checkLimit, unknownBranch } from './checks'
import { deleteConversationRows, insertConversation, renameConversationRow, toConversation } from './conversations'
import { RowCache } from './rowCache'
import { segmentRange, segmentsIn } from './lineage'
import { StateColumn } from './stateColumn'
import { fastState } from '../../engine/schema/fastStates'
import { EntryCache } from './entryCache'
import { OwnRefs } from './ownRefs'
import { findBranchRow, prepareStackStatements, type BranchRow, type ConversationRow, type EntryRow, type StackStatements } from './statements'

/** The branch row with a new tail, copied field by field (a spread of a row object is slow). */
const withTail = (r: BranchRow, length: number, lastTs: number): BranchRow => ({
  conversation_id: r.conversation_id, agent_id: r.agent_id, branch_id: r.branch_id, parent_branch: r.parent_branch, fork_index: r.fork_index,
  length, last_ts: lastTs, episode_id: r.episode_id, created_at: r.created_at, seq: r.seq, stack_no: r.stack_no,
})

/** Artifact `stateId` of a state: ToolCall id or AgentCall correlation. */
const stateIdOf = (s: State): string | null => (s.kind === 'tool_call' ? s.id : s.kind === 'agent_call' ? s.correlationId : null)

/**
 * Interaction stacks on SQLite (see {@link StackStore}). Each push is one transaction writing one
 * row per state (the state with its artifact header fields: the `state` artifact is derived from
 * it, see `all_artifacts`); a branch's length and newest time are read from its newest row.
 */
export class SqliteStackStore implements StackStore {
  private readonly st: StackStatements
  /** Built once: a better-sqlite3 transaction wrapper per call costs more than the SQL. */
  private readonly txn
  private readonly cache: EntryCache
  private readonly rows: RowCache
  private readonly own = new OwnRefs()
  /** True until the end of the current event-loop turn once `PRAGMA data_version` was checked in it. */
  private checked = false

  constructor(
    private readonly store: SqliteStore,
    private readonly artifacts: SqliteArtifactStore,
    private readonly now: () => number = Date.now,
  ) {
    this.st = prepareStackStatements(store.db)
    this.txn = store.db.transaction((fn: () => unknown) => fn())
    this.cache = new EntryCache(store.db)
    this.rows = new RowCache(this.st)
    // Entries pushed inside a caller's transaction are cached at once; a rollback drops the cache.
    store.onRollback(() => this.dropCaches())
    // Holding the write lock, a transaction sees every other connection's commits: check once there.
    store.onBegin(() => this.checkExternalWrites())
  }

  private dropCaches(): void {
    this.cache.clear()
    this.rows.clear()
    this.own.clear()
    this.artifacts.forgetSteps()
  }

  private checkExternalWrites(): void {
    if (!this.cache.checkExternalWrites()) return
    this.rows.clear()
    this.own.clear()
    this.artifacts.forgetSteps()
  }

  /**
   * Another process (the CLI next to the app) may have committed: reads check `PRAGMA data_version`
   * once per event-loop turn instead of once per statement; writes check it once per transaction.
   */
  private sync(): void {
    if (this.checked) return
    this.checked = true
    setImmediate(() => { this.checked = false }).unref()
    this.checkExternalWrites()
  }

  /** Drops the row copies around a structural change (fork, rewind, checkout, prune, rename, delete). */
  private structural<T>(fn: () => T): T {
    this.rows.clear()
    this.artifacts.forgetSteps()
    this.own.clear()
    try {
      return fn()
    } finally {
      this.rows.clear()
      this.artifacts.forgetSteps()
    }
  }

  createConversation(input: NewConversation): Conversation {
    const { row, conversation } = this.store.write(() => insertConversation(this.st, input, this.now()))
    this.rows.addConversation(row)
    if (input.id === undefined) {
      // A fresh id: nothing of it exists anywhere, so its first step and its call refs are known.
      this.artifacts.usedSteps(row.id, MAIN_BRANCH, 0)
      this.own.adopt(row.id)
    }
    return conversation
  }

  getConversation(idOrName: string): Conversation {
    this.sync()
    return this.rows.conversationOf(this.rows.requireConversation(idOrName))
  }

  findConversation(idOrName: string): Conversation | null {
    this.sync()
    const row = this.rows.findConversation(idOrName)
    return row ? this.rows.conversationOf(row) : null
  }

  listConversations(): Conversation[] {
    return (this.st.conversations.all() as ConversationRow[]).map(toConversation)
  }

  renameConversation(idOrName: string, name: string): Conversation {
    return this.structural(() => this.store.write(() => renameConversationRow(this.store.db, this.st, idOrName, name)))
  }

  deleteConversation(idOrName: string): Conversation {
    return this.structural(() => this.store.write(() => {
      const conv = deleteConversationRows(this.store.db, this.st, idOrName)
      this.cache.clear()
      return conv
    }))
  }

  agentsOf(conversation: ConversationId): AgentId[] {
    this.sync()
    const conv = this.rows.requireConversation(conversation)
    const agents = this.st.agents.all(conv.id) as string[]
    return [conv.root_agent, ...agents.filter((a) => a !== conv.root_agent)].map(asAgentId)
  }

  currentBranch(conversation: ConversationId, agent: AgentId): BranchId {
    this.sync()
    const conv = this.rows.requireConversation(conversation)
    return this.current(conv.id, agent)
  }

  push(conversation: ConversationId, agent: AgentId, states: readonly StateInput[], options: PushOptions = {}): PushResult {
    const parsed = states.map((s, i) => {
      // The kinds a turn pushes are checked without zod (same result); anything else, and anything invalid, goes through zod.
      const fast = fastState(s)
      if (fast) return fast
      const r = StateSchema.safeParse(s)
      if (!r.success) {
        const kind = (s as { kind?: unknown })?.kind
        const issues = r.error.issues.map((x) => `${x.path.join('.') || '(state)'}: ${x.message}`).join('; ')
        throw new UserInputError(`state ${i} (kind ${String(kind)}) is invalid: ${issues}`, 'BAD_STATE')
      }
      return r.data
    })
    const result = this.inTransaction(() => {
      const row = this.branchForWrite(conversation, agent, options.branch)
      const ts = options.ts ?? this.now()
      const c = row.conversation_id
      // The call states of this push by kind and id (made only when the push has one).
      let batch: Map<string, ArtifactRef> | undefined
      let step = this.artifacts.nextStep(c, row.branch_id)
      const tags = options.tags ?? []
      const provenance = options.provenance ?? {}
      // The model call's metrics take the step before the first state's, as a record of their own did.
      const call = options.modelCall && parsed.length > 0 ? modelCallColumns(options.modelCall) : null
      if (call) step++
      // One row per state: the state and the header fields of its `state` artifact.
      checkEntryIndex(row.length + parsed.length - 1, row.branch_id)
      const entries: StackEntry[] = parsed.map((state, k) => {
        const index = row.length + k
        const refs = entryRefs(row.seq, row.stack_no, index, row.episode_id)
        const ref = refs.state
        const stateId = stateIdOf(state)
        if (stateId !== null) {
          batch ??= new Map()
          batch.set(state.kind + '\u0000' + stateId, ref)
          this.own.note(c, agent, state.kind, stateId, ref)
        }
        const parent = this.causalParent(c, agent, state, batch)
        const header = entryHeaderColumn({ tags, parentRefs: parent ? [parent] : [], provenance, meta: state.kind === 'finished' ? { isTerminal: true } : {} })
        const values = [
          row.seq, row.stack_no, index, c, agent, row.branch_id, index, ts, state.kind, ref, row.episode_id, step++, stateId,
          state.kind === 'agent_result' ? state.score : null, state.kind === 'tool_result' ? state.reward : null, header, this.artifacts.payloads.put(StateColumn.encode(state)),
        ]
        // An array binds as the anonymous parameters (a spread call cost more than the insert's binding).
        if (k === 0 && call) {
          values.push(refs.call, call.header, call.body)
          this.st.insertEntryWithCall.run(values)
        } else this.st.insertEntry.run(values)
        return { index, ts, state, ref }
      })
      this.artifacts.usedSteps(c, row.branch_id, step)
      // The branch tail is the newest entry row (no branch update per push).
      const length = row.length + entries.length
      if (entries.length > 0) this.rows.putBranch(withTail(row, length, ts))
      return { conversation: c, branch: asBranchId(row.branch_id), episodeId: row.episode_id, entries, length }
    })
    this.cache.put(result.conversation, agent, result.branch, result.entries)
    const { conversation: _c, ...out } = result
    return out
  }

  read(conversation: ConversationId, agent: AgentId, branch?: BranchId, range: ReadRange = {}): StackEntry[] {
    this.sync()
    const row = this.branchForRead(conversation, agent, branch)
    const name = row?.branch_id ?? MAIN_BRANCH
    const length = row?.length ?? 0
    if (range.limit !== undefined) checkLimit(range.limit)
    if (range.from !== undefined) checkIndex(range.from, name, length, 'from')
    if (range.to !== undefined) checkIndex(range.to, name, length, 'to')
    if (!row || length === 0) return []
    let from = range.from ?? 0
    const to = range.to ?? length - 1
    if (from > to) throw new UserInputError(`from ${from} is after to ${to}`, 'BAD_INDEX')
    if (range.limit !== undefined) from = Math.max(from, to - range.limit + 1)
    const out: StackEntry[] = []
    for (const s of segmentsIn(this.st, row, from, to)) {
      const cached = this.cache.get(row.conversation_id, row.agent_id, s.branch, s.lo, s.hi)
      if (cached) {
        for (const e of cached) out.push(e)
        continue
      }
      const fresh = (this.st.entries.all(...segmentRange(row.seq, s)) as EntryRow[]).map(
        (e): StackEntry => ({ index: e.idx, ts: e.ts, state: StateColumn.decode(this.artifacts.payloads.get(e.state)), ref: e.ref }),
      )
      this.cache.put(row.conversation_id, row.agent_id, s.branch, fresh)
      for (const e of fresh) out.push(e)
    }
    return out
  }

  top(conversation: ConversationId, agent: AgentId, branch?: BranchId): StackEntry | null {
    const row = this.branchForRead(conversation, agent, branch)
    if (!row || row.length === 0) return null
    return this.read(conversation, agent, asBranchId(row.branch_id), { from: row.length - 1 })[0] ?? null
  }

  length(conversation: ConversationId, agent: AgentId, branch?: BranchId): number {
    return this.branchForRead(conversation, agent, branch)?.length ?? 0
  }

  fork(conversation: ConversationId, agent: AgentId, fromBranch: BranchId | undefined, atIndex: number): BranchInfo {
    return this.structural(() => this.store.write(() => {
      const from = this.requireBranch(conversation, agent, fromBranch, true)
      const row = forkBranch(this.st, from, atIndex, this.now())
      return toBranchInfo(row, row.branch_id)
    }))
  }

  rewind(conversation: ConversationId, agent: AgentId, branch: BranchId | undefined, index: number): BranchInfo {
    return this.structural(() => this.store.write(() => {
      const target = this.requireBranch(conversation, agent, branch, true)
      this.cache.dropAgent(target.conversation_id, agent)
      const row = rewindBranch(this.st, target, index)
      return toBranchInfo(row, this.current(row.conversation_id, agent))
    }))
  }

  checkout(conversation: ConversationId, agent: AgentId, branch: BranchId): BranchInfo {
    return this.structural(() => this.store.write(() => {
      const conv = this.rows.requireConversation(conversation)
      const row = findBranchRow(this.st, conv.id, agent, branch)
      if (!row && branch === MAIN_BRANCH) {
        this.st.clearCurrent.run(conv.id, agent)
        return this.emptyMain()
      }
      if (!row) throw unknownBranch(this.st, conv, agent, branch)
      if (branch === MAIN_BRANCH) this.st.clearCurrent.run(conv.id, agent)
      else this.st.setCurrent.run(conv.id, agent, branch)
      return toBranchInfo(row, branch)
    }))
  }

  prune(conversation: ConversationId, agent: AgentId, options: { olderThan: number; dryRun: boolean }): PruneResult {
    return this.structural(() => this.store.write(() => {
      const conv = this.rows.requireConversation(conversation)
      if (!options.dryRun) this.cache.dropAgent(conv.id, agent)
      return pruneBranches(this.st, conv.id, agent, this.current(conv.id, agent), options.olderThan, options.dryRun)
    }))
  }

  listBranches(conversation: ConversationId, agent: AgentId): BranchInfo[] {
    this.sync()
    const conv = this.rows.requireConversation(conversation)
    const current = this.current(conv.id, agent)
    const rows = (this.st.branches.all(conv.id, agent) as BranchRow[]).map((r) => toBranchInfo(r, current))
    return rows.length > 0 && rows[0]!.branch === MAIN_BRANCH ? rows : [this.emptyMain(current), ...rows]
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Runs a push in one transaction. Inside a caller's transaction (the runtime batches a whole
   * turn with `store.write`) it joins it instead of opening a savepoint: push validates
   * everything before its first write, so it never leaves half a push behind.
   */
  private inTransaction<T>(fn: () => T): T {
    if (this.store.db.inTransaction) return fn()
    try {
      return (this.txn.immediate as (f: () => unknown) => unknown)(() => {
        this.checkExternalWrites()
        return fn()
      }) as T
    } catch (err) {
      this.dropCaches()
      throw err
    }
  }


  private current(c: string, agent: string): BranchId {
    return asBranchId(this.rows.current(c, agent))
  }

  /** The implicit main branch of an agent that has no stack yet. */
  private emptyMain(current: string = MAIN_BRANCH): BranchInfo {
    return { branch: MAIN_BRANCH, length: 0, lastTs: null, current: current === MAIN_BRANCH, parent: null, forkIndex: null, episodeId: '', createdAt: 0 }
  }

  /** Branch row for a read: the fast path is one lookup; a miss checks the conversation for a clear error. */
  private branchForRead(conversation: string, agent: string, branch: string | undefined): BranchRow | null {
    this.sync()
    const b = branch ?? this.rows.current(conversation, agent)
    const row = this.rows.branch(conversation, agent, b)
    if (row) {
      if (branch === undefined) this.rows.rememberCurrent(conversation, agent, b)
      return row
    }
    const conv = this.rows.requireConversation(conversation)
    if (conv.id !== conversation) return this.branchForRead(conv.id, agent, branch)
    if (b === MAIN_BRANCH) return null
    throw unknownBranch(this.st, conv, agent, b)
  }

  /** Branch row that must exist (fork, rewind); an empty main is reported as out of range by the index check. */
  private requireBranch(conversation: string, agent: string, branch: string | undefined, allowEmptyMain: boolean): BranchRow {
    const row = this.branchForRead(conversation, agent, branch)
    if (row) return row
    if (!allowEmptyMain) throw new UserInputError(`branch main of conversation ${conversation} is empty`, 'BAD_INDEX')
    const conv = this.rows.requireConversation(conversation)
    // Never written: every operation on it stops at its index check.
    return { conversation_id: conv.id, agent_id: agent, branch_id: MAIN_BRANCH, parent_branch: null, fork_index: null, length: 0, last_ts: null, episode_id: '', created_at: 0, seq: conv.seq, stack_no: -1 }
  }

  /** Branch row for a push; main is created on the first push of an agent. */
  private branchForWrite(conversation: string, agent: string, branch: string | undefined): BranchRow {
    const row = this.branchForRead(conversation, agent, branch)
    if (row) return row
    const conv = this.rows.requireConversation(conversation)
    const now = this.now()
    const main: BranchRow = { conversation_id: conv.id, agent_id: agent, branch_id: MAIN_BRANCH, parent_branch: null, fork_index: null, length: 0, last_ts: null, episode_id: newShortId(), created_at: now, seq: conv.seq, stack_no: 0 }
    main.stack_no = insertBranchRow(this.st, conv.seq, [main.conversation_id, main.agent_id, main.branch_id, null, null, 0, null, main.episode_id, main.created_at], this.rows.nextStackNo(conv.id))
    this.rows.putBranch(main)
    return main
  }

  /** ToolResult → its ToolCall's artifact; AgentResult → its AgentCall's artifact (same batch first). */
  private causalParent(c: string, agent: string, s: State, batch: Map<string, ArtifactRef> | undefined): ArtifactRef | null {
    const link =
      s.kind === 'tool_result' ? (['tool_call', s.toolCallId] as const) : s.kind === 'agent_result' ? (['agent_call', s.correlationId] as const) : null
    if (!link) return null
    const known = batch?.get(link[0] + '\u0000' + link[1]) ?? this.own.find(c, agent, link[0], link[1])
    return known !== undefined ? known : this.artifacts.findStateRef(c, agent, link[1], link[0])
  }
}
