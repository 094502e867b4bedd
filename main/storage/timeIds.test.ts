import { describe, expect, it } from 'vitest'
import { uuidv7 } from './timeIds'

describe('uuidv7', () => {
  it('has the UUID text shape, version 7 and the RFC 9562 variant', () => {
    const id = uuidv7()
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(`chat_${id}`).toMatch(/chat_[0-9a-f-]{36}/)
  })

  it('carries the creation time in its first 48 bits', () => {
    const id = uuidv7(1_700_000_000_123)
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(1_700_000_000_123)
  })

  it('sorts in creation order, also within one millisecond and when the clock steps back', () => {
    const ids: string[] = []
    for (let i = 0; i < 10_000; i++) ids.push(uuidv7(i < 5000 ? 2_000_000_000_000 : 1_999_999_999_000))
    expect([...ids].sort()).toStrictEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
