import { UserInputError } from '../../engine/errors'
import type { ArtifactRef } from '../../engine/schema/artifacts'
import { newArtifactRef } from '../artifacts/ids'
import { SEQ_OF_ID, seqOfId } from './conversationIds'

/**
 * Integer keys of `stack_entries` rows (migration 013): `key = seq · 2^36 + stack_no · 2^20 + idx`,
 * where `seq` is the conversation's row number and `stack_no` numbers the (agent, branch) stacks of
 * the conversation. The rows of one branch, and of one conversation, are one key range of the table
 * itself: no second B-tree is written per entry to find them.
 *
 * Keys pass 2^53, so JavaScript never holds one: SQL computes them from the three parts.
 */
export const SEQ_UNIT = '68719476736' // 2^36
export const STACK_UNIT = '1048576' // 2^20
export const MAX_SEQ = 2 ** 27 - 1
export const MAX_STACK_NO = 2 ** 16 - 1
export const MAX_INDEX = 2 ** 20 - 1

/** SQL: the key of (seq, stack_no, idx) given as three `?` parameters. */
export const KEY_OF = `(? * ${SEQ_UNIT} + ? * ${STACK_UNIT} + ?)`

/** SQL: `key` within indexes [lo, hi] of the stack (seq, stack_no); six parameters: seq, stack_no, lo, seq, stack_no, hi (`keyRange` in statements.ts). */
export const KEY_BETWEEN = `key BETWEEN ${KEY_OF} AND ${KEY_OF}`

/** SQL: the key column `col` within the conversation whose `seq` is the SQL expression `seq`. */
export const keyWithinConversation = (col: string, seq: string): string => `${col} >= ${seq} * ${SEQ_UNIT} AND ${col} < (${seq} + 1) * ${SEQ_UNIT}`

/** SQL: the key column `col` within the conversation whose id is the `?` parameter (passed twice). */
export const keyInConversation = (col = 'key'): string => keyWithinConversation(col, SEQ_OF_ID)
export const KEY_IN_CONVERSATION = keyInConversation()

/**
 * Branch rows (migration 015) are keyed by their stack's first entry key, `seq · 2^36 + stack_no · 2^20`:
 * the branches of a conversation are one key range of `stack_branches` too.
 */
export const BRANCH_KEY_OF = `(? * ${SEQ_UNIT} + ? * ${STACK_UNIT})`

/** SQL: the `seq` and `stack_no` columns of the branch row `b`, from its key. */
export const branchKeyParts = (b: string): string => `(${b}.key >> 36) AS seq, ((${b}.key >> 20) & 65535) AS stack_no`

/**
 * SQL: the branch rows `b` of the conversation whose id is the `?` parameter (bound once), as a
 * FROM clause: that conversation's key range. A new conversation never gets a seq with rows left
 * under it (NEXT_SEQ), so the range holds its rows only.
 */
const CONVERSATION_PARAM = `(SELECT ${seqOfId('cvq_.v')} AS s, cvq_.v AS v FROM (SELECT ? AS v) cvq_) cv_`
export const BRANCHES_OF_CONVERSATION = `${CONVERSATION_PARAM}
  JOIN stack_branches b ON ${keyWithinConversation('b.key', 'cv_.s')}`

/**
 * SQL: the forked branch rows `b` (`parent_branch` set) of the conversation whose id is the `?`
 * parameter, as a FROM clause read through the partial index `stack_branches_forks` (migration
 * 017): a WHERE with `b.agent_id = ?` and `b.branch_id = ? AND b.parent_branch IS NOT NULL` (or
 * `b.parent_branch = ?`) finds them without reading the conversation's other branches.
 */
export const FORKS_OF_CONVERSATION = `${CONVERSATION_PARAM}
  JOIN stack_branches b ON b.conversation_id = cv_.v AND (b.key >> 36) = cv_.s`

/** SQL: the key column `col` within the stack whose first key is the SQL expression `base`. */
export const keyWithinStack = (col: string, base: string): string => `${col} >= ${base} AND ${col} < ${base} + ${STACK_UNIT}`

/** SQL: the next free stack number of the conversation whose seq is the `?` parameter (passed twice). */
export const NEXT_STACK_NO = `SELECT COALESCE(((MAX(key) >> 20) & 65535) + 1, 0) FROM stack_branches WHERE ${keyWithinConversation('key', '?')}`

/**
 * A state's ref names its row: a fixed prefix (`5747e000`, `5747e001` for the model call stored
 * with it), the branch's episode id when the state was pushed (so a key used again after a rewind
 * gives another ref), then the key in 16 hex digits. Refs of any other form (older rows, imports,
 * copies kept for a child branch) are found through the partial indexes of migration 013.
 */
export const STATE_REF_PREFIX = '5747e000'
export const CALL_REF_PREFIX = '5747e001'

/** SQL: true for a row whose `col` ref is not the one derived from its key (kept in the partial ref indexes). */
export const refNotDerived = (col: 'ref' | 'call_ref'): string =>
  `(substr(${col}, 1, 8) <> '${col === 'ref' ? STATE_REF_PREFIX : CALL_REF_PREFIX}' OR substr(${col}, 17) <> printf('%016x', key))`

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0')

/** The refs of the state at (seq, stack, idx) pushed in `episode` and of its model call. */
export function entryRefs(seq: number, stack: number, idx: number, episode: string): { state: ArtifactRef; call: ArtifactRef } {
  if (!/^[0-9a-f]{8}$/.test(episode)) return { state: newArtifactRef(), call: newArtifactRef() }
  const tail = episode + hex(seq, 7) + hex(stack, 4) + hex(idx, 5)
  return { state: (STATE_REF_PREFIX + tail) as ArtifactRef, call: (CALL_REF_PREFIX + tail) as ArtifactRef }
}

/** The key parts a derived ref names, or null for a ref of another form. */
export function keyOfRef(ref: string): { call: boolean; seq: number; stack: number; idx: number } | null {
  const call = ref.startsWith(CALL_REF_PREFIX)
  if (!call && !ref.startsWith(STATE_REF_PREFIX)) return null
  if (!/^[0-9a-f]{32}$/.test(ref)) return null
  return { call, seq: parseInt(ref.slice(16, 23), 16), stack: parseInt(ref.slice(23, 27), 16), idx: parseInt(ref.slice(27, 32), 16) }
}

/** A push past the last index a branch can hold: a clear error before anything is written. */
export function checkEntryIndex(idx: number, branch: string): void {
  if (idx > MAX_INDEX) throw new UserInputError(`branch ${branch} is full: a branch holds at most ${MAX_INDEX + 1} entries; fork or rewind it`, 'STACK_FULL')
}

/**
 * SQL: the seq of the next conversation. Past every conversation and every entry or branch row:
 * rows left under a seq whose conversation row is gone (deleted by hand; the store deletes them
 * together) are never met by a new conversation, whose keys would collide with theirs. Three
 * lookups of a table's last key.
 */
export const NEXT_SEQ = `SELECT max(coalesce((SELECT max(seq) FROM conversations), 0),
                                coalesce((SELECT max(key) FROM stack_entries), 0) >> 36,
                                coalesce((SELECT max(key) FROM stack_branches), 0) >> 36) + 1`

/**
 * The seq of the next conversation, read with the prepared (plucked) `NEXT_SEQ`; past the last
 * seq a key can hold, a clear error (`elsewhere`: where to go instead).
 */
export function nextConversationSeq(next: { get(): unknown }, elsewhere: string): number {
  const seq = next.get() as number
  if (seq > MAX_SEQ) throw new UserInputError(`this database holds the most conversations it can (${MAX_SEQ}); delete some or ${elsewhere}`, 'STORE_FULL')
  return seq
}
