import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonicalJson'
import { deriveIdempotencyKey } from './idempotency'

describe('deriveIdempotencyKey', () => {
  const call = { conversationId: 'c1', lineage: ['main'], position: 4, tool: 'transfer_funds', args: { to_agent: 'b', amount: 5 } }
  it('is stable for the same call and ignores argument key order', () => {
    expect(deriveIdempotencyKey(call)).toBe(deriveIdempotencyKey({ ...call, args: { amount: 5, to_agent: 'b' } }))
    expect(deriveIdempotencyKey(call)).toMatch(/^tc_[0-9a-f]{64}$/)
  })
  it('differs by position, lineage, call index, tool and arguments', () => {
    const k = deriveIdempotencyKey(call)
    for (const other of [
      { ...call, position: 5 },
      { ...call, lineage: ['main', 'b1@3'] },
      { ...call, callIndex: 1 },
      { ...call, tool: 'reward_agent' },
      { ...call, args: { to_agent: 'b', amount: 6 } },
    ]) expect(deriveIdempotencyKey(other)).not.toBe(k)
  })
  it('canonical JSON sorts keys recursively and drops undefined', () => {
    expect(canonicalJson({ b: [{ y: 1, x: undefined, a: 2 }], a: null })).toBe('{"a":null,"b":[{"a":2,"y":1}]}')
  })
})
