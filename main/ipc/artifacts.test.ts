import { describe, expect, it } from 'vitest'
import { EventBus } from './eventBus'
import { makeTestServices } from './fixtures'
import { serveContract } from './handlers'
import { MapTransport } from './register'

describe('artifacts:query', () => {
  it('lists only the stored types, with counts per conversation, and conversations by name', async () => {
    const services = await makeTestServices()
    const engine = services.engine!
    engine.startConversation({ agentId: 'agent_alpha', id: 'chat_a', name: 'weather chat' })
    engine.send('chat_a', 'hello')
    await engine.whenIdle('chat_a')
    engine.startConversation({ agentId: 'agent_beta', id: 'chat_b', name: 'second chat' })
    engine.send('chat_b', 'hi')
    await engine.whenIdle('chat_b')
    const transport = new MapTransport()
    serveContract(services, new EventBus(), transport)

    const all = await transport.invoke('artifacts:query', { limit: 10_000 })
    if (!all.ok) throw new Error(all.error.message)
    const page = all.data as { rows: { type: string; sessionId: string }[]; types: { type: string; count: number }[]; conversations: { id: string; name: string }[] }
    const counted = new Map<string, number>()
    for (const r of page.rows) counted.set(r.type, (counted.get(r.type) ?? 0) + 1)
    expect(page.types).toEqual([...counted].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)))
    expect(page.types.map((t) => t.type)).not.toContain('ledger_event')
    expect(page.conversations).toEqual(expect.arrayContaining([{ id: 'chat_a', name: 'weather chat' }, { id: 'chat_b', name: 'second chat' }]))

    const one = await transport.invoke('artifacts:query', { sessionId: 'chat_b', limit: 10_000 })
    if (!one.ok) throw new Error(one.error.message)
    const onePage = one.data as { rows: unknown[]; types: { count: number }[] }
    expect(onePage.types.reduce((n, t) => n + t.count, 0)).toBe(onePage.rows.length)
    expect(onePage.rows.length).toBeLessThan(page.rows.length)
    await services.close()
  })
})
