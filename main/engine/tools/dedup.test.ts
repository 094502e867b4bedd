import { describe, expect, it } from 'vitest'
import { applyDedup, decideDedup, dedupKey, MemoryDedupSeenSet } from './dedup'

describe('decideDedup (§4.4)', () => {
  it('none always executes', () => {
    expect(decideDedup('none', { seenBefore: true, sideEffectFree: false })).toStrictEqual({ execute: true, duplicate: false, metric: null })
  })
  it('penalty executes repeats and flags them', () => {
    expect(decideDedup('penalty', { seenBefore: false, sideEffectFree: false })).toStrictEqual({ execute: true, duplicate: false, metric: null })
    expect(decideDedup('penalty', { seenBefore: true, sideEffectFree: false })).toStrictEqual({ execute: true, duplicate: true, metric: 'allowed' })
  })
  it('strict blocks repeats unless side-effect-free', () => {
    expect(decideDedup('strict', { seenBefore: false, sideEffectFree: false })).toStrictEqual({ execute: true, duplicate: false, metric: null })
    expect(decideDedup('strict', { seenBefore: true, sideEffectFree: true })).toStrictEqual({ execute: true, duplicate: true, metric: 'allowed' })
    expect(decideDedup('strict', { seenBefore: true, sideEffectFree: false })).toStrictEqual({ execute: false, duplicate: true, metric: 'blocked' })
  })
})

describe('applyDedup with the in-memory seen-set', () => {
  it('blocks a repeat within the window and allows it after, or after forget', () => {
    let now = 0
    const seen = new MemoryDedupSeenSet(() => now)
    const key = dedupKey({ conversationId: 'c', agentId: 'a', branchId: 'main', tool: 'transfer_funds', args: { to_agent: 'b', amount: 5 } })
    const tool = { sideEffectFree: false, dedupTtl: 10 }
    expect(applyDedup('strict', seen, key, tool).execute).toBe(true)
    expect(applyDedup('strict', seen, key, tool).execute).toBe(false)
    now = 10_000
    expect(applyDedup('strict', seen, key, tool).execute).toBe(true)
    seen.forget(key)
    expect(applyDedup('strict', seen, key, tool).execute).toBe(true)
  })
  it('none writes nothing', () => {
    const seen = new MemoryDedupSeenSet()
    applyDedup('none', seen, 'k', {})
    expect(seen.markSeen('k', 1)).toBe(false)
  })
  it('keys ignore argument order but not branch', () => {
    const base = { conversationId: 'c', agentId: 'a', branchId: 'main', tool: 't' }
    expect(dedupKey({ ...base, args: { x: 1, y: 2 } })).toBe(dedupKey({ ...base, args: { y: 2, x: 1 } }))
    expect(dedupKey({ ...base, args: { x: 1 } })).not.toBe(dedupKey({ ...base, branchId: 'b1', args: { x: 1 } }))
  })
})
