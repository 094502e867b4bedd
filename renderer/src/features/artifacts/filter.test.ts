import { describe, expect, it } from 'vitest'
import type { ArtifactRow } from '../../../../preload/contract'
import { filterRows } from './filter'

const row = (i: number, extra: Partial<ArtifactRow> = {}): ArtifactRow => ({
  ref: i.toString(16).padStart(32, '0'), ts: '2026-01-01T00:00:00.000Z', type: 'state', role: 'state', sessionId: `chat_${i % 10}`,
  agentId: i % 2 ? 'agent_alpha' : 'agent_beta', branchId: 'main', stepIdx: i, stateKind: i % 3 ? 'user_message' : 'tool_call', tags: i === 7 ? ['Golden'] : [], score: null, rawLen: 10, ...extra,
})

describe('filterRows', () => {
  it('matches text in any shown field and keeps everything for an empty filter', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => row(i))
    expect(filterRows(rows, '  ')).toBe(rows)
    expect(filterRows(rows, 'golden').map((r) => r.stepIdx)).toEqual([7])
    expect(filterRows(rows, 'CHAT_3')).toHaveLength(10_000)
    expect(filterRows(rows, 'TOOL_call')).toHaveLength(33_334)
  })

  it('matches a conversation by its name', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(i))
    expect(filterRows(rows, 'weather', { chat_3: 'Weather in Paris' }).map((r) => r.stepIdx)).toEqual([3, 13])
  })
})
