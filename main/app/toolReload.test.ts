import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '../../preload/contract'
import { serveContract } from '../ipc/handlers'
import { MapTransport } from '../ipc/register'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { bootstrap, type AppRuntime } from './bootstrap'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

type Reloaded = EventPayload<'app:toolsReloaded'>

/** The app on a copy of the shipped config (with an agent using the custom tool), watching config/tools/. */
function app(): { runtime: AppRuntime; tools: string; next: () => Promise<Reloaded>; info: () => Promise<{ configWarnings: string[] }> } {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-reload-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const configDir = join(dir, 'config')
  cpSync(CONFIG_DIR, configDir, { recursive: true })
  appendFileSync(join(configDir, 'agents.yml'), '\n  - id: shopper\n    type: llm\n    llm_model: "openai/gpt-4o"\n    tools: ["search_database"]\n')
  const runtime = bootstrap({ host: 'browser', configDir, env: { P2ENGINE_HOME: join(dir, 'home'), OPENAI_API_KEY: '' }, toolReloadDebounceMs: 30 })
  cleanups.push(() => runtime.close())
  const transport = new MapTransport()
  serveContract(runtime.services, runtime.bus, transport)
  const waiting: ((r: Reloaded) => void)[] = []
  runtime.bus.on('app:toolsReloaded', (r) => waiting.shift()?.(r))
  return {
    runtime,
    tools: join(configDir, 'tools'),
    next: () => new Promise<Reloaded>((resolve) => waiting.push(resolve)),
    info: async () => ((await transport.invoke('app:info', {})) as { data: { configWarnings: string[] } }).data,
  }
}

describe('hot reload of config/tools/ in the app host', () => {
  it('a changed file is reloaded without a restart; a broken file shows in the configuration notice and clears when fixed', async () => {
    const a = app()
    const registry = a.runtime.engine.deps.tools
    expect(registry.originOf('search_database')?.kind).toBe('custom')
    expect((await a.info()).configWarnings).toEqual([])

    const file = join(a.tools, 'search_database.mjs')
    let reloaded = a.next()
    writeFileSync(file, readFileSync(file, 'utf8').replace("description: 'Search the product catalogue", "description: 'v2: Search the product catalogue"))
    writeFileSync(join(a.tools, 'broken.mjs'), 'export default {')
    let status = await reloaded
    // One reload per burst may see only part of it: wait until both changes are in.
    while (status.problems.length === 0) status = await a.next()
    expect(status.tools).toEqual(['search_database'])
    expect(status.problems).toEqual([expect.stringMatching(/tools\/broken\.mjs: cannot load tool file: /)])
    expect(registry.get('search_database')!.description).toMatch(/^v2: /)
    expect((await a.info()).configWarnings).toEqual(status.problems)

    reloaded = a.next()
    unlinkSync(join(a.tools, 'broken.mjs'))
    expect(await reloaded).toEqual({ tools: ['search_database'], problems: [] })
    expect((await a.info()).configWarnings).toEqual([])
    expect(registry.get('search_database')!.description).toMatch(/^v2: /)
  })
})
