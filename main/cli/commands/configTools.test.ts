import { appendFileSync, cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG, tempDir } from '../../engine/config/testDirs'
import type { Output } from '../output'
import { runCli } from '../program'

const ANSI = /\u001b\[[0-9;]*m/g

/** The CLI on a copy of the shipped config (with its `tools/search_database.mjs`), changed by `setup`. */
async function run(argv: string[], setup?: (config: string) => void) {
  const project = tempDir()
  const config = join(project, 'config')
  cpSync(SHIPPED_CONFIG, config, { recursive: true })
  setup?.(config)
  const out: string[] = []
  const err: string[] = []
  const io: Output = { out: (t) => out.push(t.replace(ANSI, '')), err: (t) => err.push(t.replace(ANSI, '')) }
  const code = await runCli(['--config', config, ...argv], io, { P2ENGINE_HOME: join(project, 'home') })
  return { code, out: out.join('\n'), err: err.join('\n'), config }
}

const shopper = (tools: string[]) => `\n  - id: shopper\n    type: llm\n    llm_model: "openai/gpt-4o"\n    tools: ${JSON.stringify(tools)}\n`

describe('custom tools in config validate / show-tools', () => {
  // The first command imports the CLI's lazy modules (seconds on a busy machine): not part of any test.
  beforeAll(async () => { await run(['config', 'show', '--json']) })

  it('validate: an agent may name a custom tool; broken tool files and tools that exist nowhere are errors naming the file', async () => {
    const r = await run(['config', 'validate'], (c) => {
      appendFileSync(join(c, 'agents.yml'), shopper(['search_database', 'warp_drive', 'broken_tool']))
      writeFileSync(join(c, 'tools', 'broken.mjs'), "export default { name: 'broken_tool', description: 'x', parameters: { type: 'objekt' }, run() {} }\n")
      writeFileSync(join(c, 'tools', 'clash.mjs'), "export default { name: 'transfer_funds', description: 'x', parameters: { type: 'object' }, run() {} }\n")
    })
    const known = 'check_balance, delegate, get_league_leader, get_weather, reward_agent, search_database, transaction_history, transfer_funds'
    expect(r.code).toBe(3)
    expect(r.out.split('\n').filter((l) => /^(✗|    |\d+ problem)/.test(l) && !l.includes('⚠'))).toEqual([
      `✗ ${r.config}/agents.yml  invalid`,
      `    ${r.config}/agents.yml:45 agents[6].tools[1]: agent shopper: unknown tool "warp_drive"; known tools: ${known}`,
      `    ${r.config}/agents.yml:45 agents[6].tools[2]: agent shopper: unknown tool "broken_tool"; known tools: ${known}`,
      `✗ ${r.config}/tools/  1 custom tool in 3 files, invalid`,
      `    ${r.config}/tools/broken.mjs: tool "broken_tool": "parameters": the top level must be { type: "object" }, got type "objekt"`,
      `    ${r.config}/tools/clash.mjs: tool "transfer_funds" has the name of a built-in tool; choose another name`,
      '4 problems in 2 files',
    ])
  })

  it('other commands warn about a broken tool file on stderr and keep working', async () => {
    const r = await run(['config', 'show', '--json'], (c) => writeFileSync(join(c, 'tools', 'oops.mjs'), 'export default {'))
    expect(r.code).toBe(0)
    expect(r.err).toMatch(new RegExp(`^warning: ${r.config}/tools/oops\\.mjs: cannot load tool file: syntax error: `))
    expect(JSON.parse(r.out).agents).toHaveLength(6)
  })

  it('show-tools lists custom tools with their source file', async () => {
    const r = await run(['config', 'show-tools'])
    expect(r.code).toBe(0)
    expect(r.out.split('\n').find((l) => l.includes('search_database'))).toContain('│ custom')
    expect(r.out.split('\n').find((l) => l.includes('get_weather'))).toContain('│ builtin')
    const json = JSON.parse((await run(['config', 'show-tools', '--json'])).out) as { name: string; source: string; file: string | null }[]
    expect(json.filter((t) => t.source === 'custom').map((t) => [t.name, t.file?.replace(/^.*\/config\//, 'config/')])).toEqual([['search_database', 'config/tools/search_database.mjs']])
  })
})
