import { describe, expect, it } from 'vitest'
import { checkReferences } from './consistency'
import { emptyRows, type Rows } from './format'

/** A bundle's rows with one conversation, its main branch and an entry at `idx`. */
function rowsWithEntry(idx: number): Rows {
  const rows = emptyRows()
  rows.conversations.push({ id: 'chat_a', name: 'a', root_agent: 'agent', created_at: 0, metadata: '{}' } as Rows['conversations'][number])
  rows.branches.push({ conversation_id: 'chat_a', agent_id: 'agent', branch_id: 'main', parent_branch: null, fork_index: null, length: 0, last_ts: null, episode_id: 'e', created_at: 0, current: 0 } as Rows['branches'][number])
  rows.entries.push({ conversation_id: 'chat_a', agent_id: 'agent', branch_id: 'main', idx, ts: 0, kind: 'user_message', ref: 'r', copied: 0, episode_id: 'e', step_idx: 0, state_id: null, score: null, reward: null, header: '{}', state: '{}' } as Rows['entries'][number])
  return rows
}

describe('the references a bundle checks before an import', () => {
  it('refuses an entry index a branch cannot hold (its key would fall in another stack), naming the line', () => {
    expect(() => checkReferences(rowsWithEntry(1_048_575), 'b.p2bundle')).not.toThrow()
    expect(() => checkReferences(rowsWithEntry(1_048_576), 'b.p2bundle')).toThrow(/entry entries\.jsonl line 1: index 1048576 of branch main is out of range: a branch holds entries 0 to 1048575/)
    expect(() => checkReferences(rowsWithEntry(-1), 'b.p2bundle')).toThrow(/index -1 of branch main is out of range/)
  })

  it('refuses a branch that appears twice (no index holds the triple since schema v15: the check does)', () => {
    const rows = rowsWithEntry(0)
    rows.branches.push({ ...rows.branches[0]! })
    expect(() => checkReferences(rows, 'b.p2bundle')).toThrow(/entry branches\.jsonl line 2: branch main of agent in chat_a appears twice/)
  })
})
