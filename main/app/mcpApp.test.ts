import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { invokeTool } from '../engine/tools/invoke'
import { MapTransport } from '../ipc/register'
import { serveContract } from '../ipc/handlers'
import { fixtureServer, isAlive, until } from '../tools/mcp/testing/fixture'
import { bootstrap } from './bootstrap'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('MCP servers in the desktop app', () => {
  it('start on first use, stop when the app closes; a server that does not start is listed with the config warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-mcp-app-'))
    dirs.push(dir)
    const configDir = join(dir, 'config')
    cpSync(SHIPPED_CONFIG, configDir, { recursive: true })
    writeFileSync(join(configDir, 'mcp.json'), JSON.stringify({ mcp_servers: { fx: fixtureServer(), broken: { command: '/nonexistent/mcp' } } }))
    const runtime = bootstrap({ host: 'browser', configDir, env: { P2ENGINE_HOME: join(dir, 'home'), OPENAI_API_KEY: '' } })
    const tools = runtime.engine.deps.tools
    await tools.prepare(['fx__pid', 'broken__x'])
    const r = await invokeTool(tools, 'fx__pid', {}, { agentId: 'agent_alpha', conversationId: 'c', branchId: 'b', idempotencyKey: 'k' })
    const pid = Number(r.status === 'ok' && r.result)
    expect(isAlive(pid)).toBe(true)
    const transport = new MapTransport()
    serveContract(runtime.services, runtime.bus, transport)
    const info = await transport.invoke('app:info', {})
    expect(info).toMatchObject({ ok: true, data: { configWarnings: [expect.stringMatching(/^MCP server "broken" \(command: \/nonexistent\/mcp\) failed to start: .*ENOENT/)] } })
    await runtime.close()
    expect(await until(() => !isAlive(pid))).toBe(true)
  })
})
