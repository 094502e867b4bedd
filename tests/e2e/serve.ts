// Starts the browser host for the Playwright run: a fresh, EMPTY P2ENGINE_HOME in a temp dir and
// the same host `p2engine ui` runs (which creates the configured wallets itself: no CLI step),
// with the port and token the Playwright config chose (env E2E_PORT, E2E_TOKEN). Stops (and
// deletes the home) on SIGTERM/SIGINT.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP_NAME, APP_VERSION } from '../../main/app/bootstrap'
import { CliContext } from '../../main/cli/context'
import { EventBus } from '../../main/ipc/eventBus'
import { findRendererDir } from '../../main/web/rendererDir'
import { startWebHost } from '../../main/web/server'
import { seedStuckConversation } from '../../main/engine/testing/stuckBranch'

const port = Number(process.env.E2E_PORT)
const token = process.env.E2E_TOKEN
if (!port || !token) throw new Error('serve.ts needs E2E_PORT and E2E_TOKEN (set by playwright.config.ts)')

const home = mkdtempSync(join(tmpdir(), 'p2engine-e2e-'))
// Offline on purpose: no key, so the scripted model answers (and says so).
const env = { ...process.env, P2ENGINE_HOME: home }
delete env.OPENAI_API_KEY
delete env.OPENAI_BASE_URL
// No Canton either: the ledger panel shows its install steps.
delete env.CANTON_BIN
delete env.CANTON_HOME
const quiet = { out: () => {}, err: (s: string) => console.error(s) }

const ctx = new CliContext({ home }, quiet, env)
// A long conversation (10 000 entries) to check the virtualised chat.
const engine = ctx.engine
const long = engine.startConversation({ agentId: 'agent_beta', name: 'long conversation (10k)' })
engine.deps.stacks.push(long.id, long.rootAgent, Array.from({ length: 10_000 }, (_, i) =>
  i % 2 === 0 ? { kind: 'user_message' as const, text: `question ${i / 2 + 1}` } : { kind: 'assistant_message' as const, content: `answer ${(i + 1) / 2}${i % 10 === 1 ? '\nwith a second line' : ''}` }))
// Branches left on a tool call nobody runs (as a CLI rewind that cut at a tool call leaves them).
for (const name of ['stuck on a tool call', 'stuck, to cancel']) seedStuckConversation(engine, { agentId: 'agent_alpha', name, callId: 'call_paris' })
// An answer with Markdown, as a real model writes them.
const formatted = engine.startConversation({ agentId: 'agent_beta', name: 'formatted answer' })
engine.deps.stacks.push(formatted.id, formatted.rootAgent, [
  { kind: 'user_message', text: 'Summarise my options' },
  { kind: 'assistant_message', content: '## Options\n\nYou can **save** or *spend*:\n\n- keep `100.0` in the wallet\n- read [the docs](https://example.com/docs)\n\n```json\n{"balance": "100.0"}\n```' },
])
// A short one with a known artifact count, for the Artifacts filters.
const short = engine.startConversation({ agentId: 'agent_alpha', name: 'short conversation' })
engine.deps.stacks.push(short.id, short.rootAgent, [
  { kind: 'user_message' as const, text: 'What is the weather in Paris?' },
  { kind: 'assistant_message' as const, content: 'Sunny, 21 °C.' },
  { kind: 'user_message' as const, text: 'Thanks!' },
  { kind: 'assistant_message' as const, content: 'You are welcome.' },
])
const host = await startWebHost({
  services: { config: ctx.config, ledger: ctx.ledger, engine, store: ctx.store, env, app: { name: APP_NAME, version: APP_VERSION, host: 'browser' } },
  bus: new EventBus(),
  rendererDir: findRendererDir(join(process.cwd(), 'main/web')),
  port,
  token,
})
console.log(`e2e host on http://127.0.0.1:${host.port}/ (home ${home})`)

const stop = async () => {
  await host.close()
  await ctx.close()
  rmSync(home, { recursive: true, force: true })
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
