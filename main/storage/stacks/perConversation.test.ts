import { describe, expect, it } from 'vitest'
import { PerConversation } from './perConversation'

describe('PerConversation', () => {
  it('keeps values by (conversation, a, b), drops one (c, a) at once, and forgets the least recently used conversation beyond its bound', () => {
    const m = new PerConversation<number>(2)
    m.set('c1', 'agent', 'main', 1)
    m.set('c1', 'agent', 'fork', 2)
    m.set('c1', 'child', 'main', 3)
    expect([m.get('c1', 'agent', 'main'), m.get('c1', 'agent', 'fork'), m.get('c1', 'child', 'main'), m.get('c1', 'child', 'fork')]).toEqual([1, 2, 3, undefined])
    m.dropAll('c1', 'agent')
    expect([m.get('c1', 'agent', 'main'), m.get('c1', 'child', 'main')]).toEqual([undefined, 3])
    m.set('c2', 'agent', '', 4)
    expect(m.get('c1', 'child', 'main')).toBe(3) // c1 is now the most recently used
    m.set('c3', 'agent', '', 5) // drops c2
    expect([m.get('c1', 'child', 'main'), m.get('c2', 'agent', ''), m.get('c3', 'agent', '')]).toEqual([3, undefined, 5])
    m.clear()
    expect(m.get('c3', 'agent', '')).toBeUndefined()
  })
})
