import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { homePaths } from '../../engine/paths'
import { builtinRegistry } from '../../engine/tools/builtins'
import { invokeTool } from '../../engine/tools/invoke'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { SqliteToolCache } from '../../storage/runtime/sqliteRuntimeStores'
import { openStore } from '../../storage/sqliteStore'
import { cliEnv, type CliEnv } from './cliTestKit'

const PROBE = fileURLToPath(new URL('../../engine/tools/testing/balanceProbe.ts', import.meta.url))

let env: CliEnv | undefined
afterEach(() => env?.cleanup())

describe('check_balance is never older than the last committed transfer', () => {
  it('Check my balance → Transfer 25 to agent_beta → Check my balance says 75.00 (one conversation)', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    const r = await env.run(['chat', 'with', 'agent_alpha', '--name', 'acct'], { input: ['Check my balance', 'Transfer 25 to agent_beta', 'Check my balance', 'exit'] })
    expect(r.code).toBe(0)
    const balances = r.lines.filter((l) => l.includes('✓ check_balance')).map((l) => /"formatted":"([^"]+)"/.exec(l)?.[1])
    expect(balances).toEqual(['100.00', '75.00'])
  })

  it('two OS processes on one P2ENGINE_HOME database: each one’s next check_balance sees the other’s transfer', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    const db = homePaths(join(env.root, 'home')).database
    // Process A: a separate Node process running the tool on its own connection.
    const a = spawn(process.execPath, ['--import', 'tsx', PROBE, db], { stdio: ['pipe', 'pipe', 'inherit'] })
    const replies = createInterface({ input: a.stdout })[Symbol.asyncIterator]()
    const next = async () => JSON.parse((await replies.next()).value as string) as { result?: { formatted?: string; new_balance?: string } }
    const askA = async (line: string) => {
      a.stdin.write(line + '\n')
      return (await next()).result
    }
    // Process B: this test process, with its own connection, ledger and (shared) tool cache.
    const store = openStore(db)
    const ledger = new EmbeddedLedger(store, { party: 'p2engine::default' })
    const checkB = async () => {
      const o = await invokeTool(builtinRegistry(), 'check_balance', {}, { agentId: 'agent_alpha', conversationId: 'probe', branchId: 'main', idempotencyKey: 'read', ledger, cache: new SqliteToolCache(store) })
      return o.status === 'ok' ? (o.result as { formatted: string }).formatted : JSON.stringify(o)
    }
    try {
      expect(await next()).toEqual({ ready: true })
      expect((await askA('balance'))?.formatted).toBe('100.00')
      ledger.transferSync({ from: 'agent_alpha', to: 'agent_beta', amount: '25', commandId: 'process-b' })
      expect((await askA('balance'))?.formatted).toBe('75.00')
      expect(await checkB()).toBe('75.00')
      expect((await askA('transfer 5'))?.new_balance).toBe('70.0')
      expect(await checkB()).toBe('70.00')
    } finally {
      a.stdin.end()
      store.close()
      if (a.exitCode === null) await new Promise((r) => a.once('exit', r))
    }
  })
})
