import { MAX_INDEX } from '../storage/stacks/entryKeys'
import { bundleError } from './errors'
import { tableEntry, type Rows, type TableName } from './format'

/**
 * Checks that the rows of a bundle refer only to each other: every branch, entry, artifact,
 * override and transfer names a bundled conversation, every entry a bundled branch, every
 * variant a bundled rollout (and conversation), and ids, names and branches are unique. A bundle that
 * passes cannot fail the import half-way on a dangling reference.
 */
export function checkReferences(rows: Rows, label: string): void {
  const fail = (t: TableName, line: number, what: string) => {
    throw bundleError(label, `entry ${tableEntry(t)} line ${line + 1}: ${what}`)
  }
  const convs = new Set<string>()
  const names = new Set<string>()
  rows.conversations.forEach((c, i) => {
    if (convs.has(c.id)) fail('conversations', i, `conversation id ${c.id} appears twice`)
    if (names.has(c.name)) fail('conversations', i, `conversation name "${c.name}" appears twice`)
    convs.add(c.id)
    names.add(c.name)
  })
  const needConv = (t: TableName, id: string | null, i: number) => {
    if (id !== null && !convs.has(id)) fail(t, i, `conversation ${id} is not in conversations.jsonl`)
  }
  const branches = new Set<string>()
  rows.branches.forEach((b, i) => {
    needConv('branches', b.conversation_id, i)
    const key = `${b.conversation_id}\u0000${b.agent_id}\u0000${b.branch_id}`
    if (branches.has(key)) fail('branches', i, `branch ${b.branch_id} of ${b.agent_id} in ${b.conversation_id} appears twice`)
    branches.add(key)
  })
  rows.entries.forEach((e, i) => {
    if (e.idx < 0 || e.idx > MAX_INDEX) fail('entries', i, `index ${e.idx} of branch ${e.branch_id} is out of range: a branch holds entries 0 to ${MAX_INDEX}`)
    if (!branches.has(`${e.conversation_id}\u0000${e.agent_id}\u0000${e.branch_id}`)) fail('entries', i, `branch ${e.branch_id} of ${e.agent_id} in ${e.conversation_id} is not in branches.jsonl`)
  })
  rows.artifacts.forEach((a, i) => needConv('artifacts', a.session_id, i))
  rows.overrides.forEach((o, i) => needConv('overrides', o.conversation_id, i))
  rows.transfers.forEach((t, i) => needConv('transfers', t.conversation_id, i))
  const rollouts = new Set<string>()
  rows.rollouts.forEach((r, i) => {
    if (rollouts.has(r.id)) fail('rollouts', i, `rollout id ${r.id} appears twice`)
    rollouts.add(r.id)
  })
  rows.variants.forEach((v, i) => {
    if (!rollouts.has(v.rollout_id)) fail('variants', i, `rollout ${v.rollout_id} is not in rollouts.jsonl`)
    needConv('variants', v.conversation_id, i)
  })
}
