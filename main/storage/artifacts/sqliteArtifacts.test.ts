import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asAgentId, asBranchId, type ConversationId } from '../../engine/schema/states'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from '../stacks/create'
import type { SqliteStackStore } from '../stacks/sqliteStacks'
import { unifiedDiff } from './lineDiff'
import type { SqliteArtifactStore } from './sqliteArtifacts'

const A = asAgentId('agent_alpha')
const T0 = Date.UTC(2026, 0, 1)
let store: SqliteStore
let stacks: SqliteStackStore
let artifacts: SqliteArtifactStore
let clock: number
let conv: ConversationId

beforeEach(() => {
  store = openStore(':memory:')
  clock = T0
  ;({ stacks, artifacts } = createStackStorage(store, () => clock))
  conv = stacks.createConversation({ name: 'demo', rootAgent: A, id: 'chat_1' }).id
})
afterEach(() => store.close())

describe('artifacts', () => {
  it('records every push as a state artifact with the §6.1 header, in the push transaction', () => {
    const p = stacks.push(conv, A, [{ kind: 'user_message', text: 'hi' }, { kind: 'finished' }], {
      tags: ['demo'],
      provenance: { rolloutId: 'r1', teamId: 'team', variantId: 'v1' },
    })
    const a = artifacts.get(p.entries[1]!.ref)
    expect(a).toEqual({
      header: {
        ref: p.entries[1]!.ref,
        sessionId: 'chat_1',
        agentId: 'agent_alpha',
        branchId: 'main',
        episodeId: p.episodeId,
        stepIdx: 1,
        type: 'state',
        role: 'state',
        stateKind: 'finished',
        stateId: null,
        mime: 'application/json',
        ts: '2026-01-01T00:00:00.000Z',
        tags: ['demo'],
        parentRefs: [],
        provenance: { rolloutId: 'r1', teamId: 'team', variantId: 'v1' },
        meta: { isTerminal: true },
        score: null,
        reward: null,
        rawLen: a.header.rawLen,
      },
      payload: { kind: 'finished', reason: null },
    })
    expect(p.episodeId).toMatch(/^[0-9a-f]{8}$/)
  })

  it('rolls back the artifacts of a failed push', () => {
    store.db.exec(`CREATE TRIGGER fail BEFORE INSERT ON stack_entries WHEN NEW.idx = 1 BEGIN SELECT RAISE(ABORT, 'boom'); END`)
    expect(() => stacks.push(conv, A, [{ kind: 'user_message', text: 'a' }, { kind: 'user_message', text: 'b' }])).toThrow('boom')
    expect(store.db.prepare('SELECT COUNT(*) FROM artifacts').pluck().get()).toBe(0)
    expect(stacks.length(conv, A)).toBe(0)
  })

  it('queries by conversation, branch, tag, type and time range, newest first', () => {
    stacks.push(conv, A, [{ kind: 'user_message', text: 'q' }])
    clock += 1000
    const tr = artifacts.record({ type: 'tool_result', sessionId: conv, agentId: A, payload: { temp: 3 }, tags: ['weather'] })
    clock += 1000
    const led = artifacts.record({ type: 'ledger_event', sessionId: 'ledger:p2engine', agentId: 'ledger_service', payload: { event: 'transfer_executed', amount: '5.0' }, tags: ['transfer_executed'] })
    clock += 1000
    const met = artifacts.record({ type: 'metrics', sessionId: conv, agentId: A, payload: {}, meta: { model: 'local/scripted', promptTokens: 12 } })
    const ev = artifacts.record({ type: 'evaluation', sessionId: conv, agentId: 'gpt4_judge', payload: { score: 0.9 }, score: 0.9, parentRefs: [tr.ref] })
    stacks.fork(conv, A, undefined, 0)
    clock += 1000
    const onBranch = stacks.push(conv, A, [{ kind: 'user_message', text: 'b' }])
    const refs = (hs: { ref: string }[]) => hs.map((h) => h.ref)
    expect(refs(artifacts.query({ sessionId: conv })).length).toBe(5)
    expect(refs(artifacts.query({ sessionId: conv, limit: 2 }))).toEqual([onBranch.entries[0]!.ref, ev.ref])
    expect(refs(artifacts.query({ sessionId: conv, branchId: onBranch.branch }))).toEqual([onBranch.entries[0]!.ref])
    expect(refs(artifacts.query({ tag: 'weather' }))).toEqual([tr.ref])
    expect(refs(artifacts.query({ type: 'ledger_event' }))).toEqual([led.ref])
    expect(refs(artifacts.query({ sessionId: conv, since: T0 + 1000, until: T0 + 3001 }))).toEqual([ev.ref, met.ref, tr.ref])
    expect([ev.stepIdx, led.stepIdx, onBranch.entries[0]!.index]).toEqual([3, 0, 1])
    expect(refs(artifacts.parents(ev.ref))).toEqual([tr.ref])
    expect(refs(artifacts.children(tr.ref))).toEqual([ev.ref])
    expect(artifacts.get(met.ref).header.role).toBe('metrics')
    expect(() => artifacts.query({ limit: 0 })).toThrow('limit 0 out of range: expected an integer from 1 to 10000')
    expect(() => artifacts.get('0'.repeat(32))).toThrow(`unknown artifact ref ${'0'.repeat(32)}`)
    expect(() => artifacts.record({ type: 'event', sessionId: conv, agentId: A, payload: 1n })).toThrow(
      'artifact of type event: payload is not JSON-serialisable',
    )
    expect(artifacts.get(onBranch.entries[0]!.ref).header.branchId).toBe(asBranchId(onBranch.branch))
  })

  it('diffs the pretty JSON payloads of two artifacts', () => {
    const p = stacks.push(conv, A, [
      { kind: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' } },
      { kind: 'tool_call', id: 'c2', name: 'get_weather', arguments: { city: 'Rome', unit: 'C' } },
    ])
    const [r1, r2] = p.entries.map((e) => e.ref) as [string, string]
    expect(artifacts.diff(r1, r2)).toBe(
      [
        `--- ${r1}`,
        `+++ ${r2}`,
        '@@ -1,9 +1,9 @@',
        ' {',
        '   "kind": "tool_call",',
        '-  "id": "c1",',
        '+  "id": "c2",',
        '   "name": "get_weather",',
        '   "arguments": {',
        '-    "city": "Oslo",',
        '+    "city": "Rome",',
        '     "unit": "C"',
        '   }',
        ' }',
        '',
      ].join('\n'),
    )
    expect(artifacts.diff(r1, r1)).toBe('')
    const text = artifacts.record({ type: 'event', sessionId: conv, agentId: A, payload: 'plain', mime: 'text/plain' })
    expect(() => artifacts.diff(r1, text.ref)).toThrow('Can only diff JSON-serialisable payloads.')
  })

  it('unifiedDiff splits distant changes into hunks', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`)
    const b = a.map((l, i) => (i === 2 ? 'X' : i === 17 ? 'Y' : l))
    expect(unifiedDiff(a.join('\n'), b.join('\n'), 'a', 'b')).toBe(
      ['--- a', '+++ b', '@@ -1,6 +1,6 @@', ' l0', ' l1', '-l2', '+X', ' l3', ' l4', ' l5', '@@ -15,6 +15,6 @@', ' l14', ' l15', ' l16', '-l17', '+Y', ' l18', ' l19', ''].join('\n'),
    )
  })
})

describe('metric payloads of a conversation', () => {
  it("returns the model calls kept in stack rows and the judges' metrics artifacts, of that conversation only", () => {
    stacks.push(conv, A, [{ kind: 'user_message', text: 'hi' }])
    stacks.push(conv, A, [{ kind: 'assistant_message', content: 'hello' }], { modelCall: { payload: { promptTokens: 5, completionTokens: 2 }, tags: ['model_call'] } })
    artifacts.record({ type: 'metrics', role: 'judge_call', sessionId: conv, agentId: A, branchId: asBranchId('main'), payload: { promptTokens: 7, completionTokens: 1 } })
    artifacts.record({ type: 'metrics', role: 'note', sessionId: conv, agentId: A, branchId: asBranchId('main'), payload: 'plain words', mime: 'text/plain' })
    const other = stacks.createConversation({ name: 'other', rootAgent: A, id: 'chat_2' }).id
    stacks.push(other, A, [{ kind: 'assistant_message', content: 'x' }], { modelCall: { payload: { promptTokens: 99 }, tags: ['model_call'] } })
    const sorted = artifacts.metricPayloads(conv).sort((a, b) => a.role.localeCompare(b.role))
    expect(sorted).toEqual([
      { role: 'judge_call', payload: { promptTokens: 7, completionTokens: 1 } },
      { role: 'model_call', payload: { promptTokens: 5, completionTokens: 2 } },
      { role: 'note', payload: 'plain words' },
    ])
    expect(artifacts.metricPayloads(other)).toEqual([{ role: 'model_call', payload: { promptTokens: 99 } }])
  })
})
