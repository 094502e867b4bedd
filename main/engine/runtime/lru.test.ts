import { describe, expect, it } from 'vitest'
import { LruMap } from './lru'

describe('LruMap', () => {
  it('drops the least recently used entry beyond its capacity', () => {
    const m = new LruMap<string, number>(2)
    m.set('a', 1)
    m.set('b', 2)
    expect(m.get('a')).toBe(1) // a is now the most recent
    m.set('c', 3)
    expect(m.get('b')).toBeUndefined()
    expect(m.get('a')).toBe(1)
    expect(m.get('c')).toBe(3)
    expect(m.size).toBe(2)
  })

  it('stays at its capacity however many keys pass through', () => {
    const m = new LruMap<number, number>(100)
    for (let i = 0; i < 100_000; i++) m.set(i, i)
    expect(m.size).toBe(100)
    expect(m.get(99_999)).toBe(99_999)
    expect(m.get(0)).toBeUndefined()
  })

  it('keeps the order right when the newest key is read again, deleted or cleared', () => {
    const m = new LruMap<string, number>(3)
    m.set('a', 1)
    m.set('b', 2)
    m.set('c', 3)
    expect([m.get('c'), m.get('c'), m.get('a'), m.get('a')]).toEqual([3, 3, 1, 1])
    expect(m.keys()).toEqual(['b', 'c', 'a'])
    m.delete('a')
    expect(m.get('c')).toBe(3)
    m.set('d', 4)
    m.set('e', 5) // drops b, the least recently used
    expect(m.keys()).toEqual(['c', 'd', 'e'])
    m.clear()
    m.set('f', 6)
    expect([m.get('f'), m.keys()]).toEqual([6, ['f']])
    const one = new LruMap<string, number>(1)
    one.set('x', 1)
    one.set('y', 2)
    expect([one.get('x'), one.get('y'), one.keys()]).toEqual([undefined, 2, ['y']])
  })

  it('refuses a capacity below one', () => {
    expect(() => new LruMap(0)).toThrow(/at least 1, got 0/)
  })
})
