import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { contract, eventNames, invokeChannels, type EventName, type InvokeChannel } from '../../preload/contract'
import { EventBus } from './eventBus'
import { buildHandlers } from './handlers'
import { MapTransport, registerHandlers } from './register'
import { instantPool, makeTestServices, testAgents } from './fixtures'
import { RolloutService } from '../app/rollouts/rolloutService'
import { CantonService } from '../app/canton/cantonService'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { seedStuckConversation } from '../engine/testing/stuckBranch'

const DEMO = readFileSync(join(CONFIG_DIR, 'demo_rollout.yml'), 'utf8')
const STAND_IN = fileURLToPath(new URL('../ledger/canton/sandbox/testing/canton', import.meta.url))

/** Conversations the samples use; made in `setup`. */
interface Seeded {
  refs: [string, string]
  /** A finished rollout and one interrupted before it ran. */
  rollouts: { done: string; interrupted: string }
  /** A bundle export held for download, and a bundle uploaded for inspect and import. */
  bundles: { downloadId: string; uploadId: string; dataBase64: string }
}

/** One sample input per channel; the test fails when a channel has none. */
const samplesFor = ({ refs, rollouts, bundles }: Seeded): Record<InvokeChannel, unknown> => ({
  'app:info': {},
  'app:model': {},
  'ledger:wallets': {},
  'ledger:transfer': { from: 'agent_alpha', to: 'agent_beta', amount: '10', reason: 'contract test' },
  'ledger:history': { agent: 'agent_alpha', limit: 5 },
  'ledger:events': { limit: 10 },
  'ledger:audit': {},
  'ledger:metrics': {},
  'ledger:status': {},
  'agents:list': {},
  'chat:list': { includeRollouts: true },
  'chat:create': { agentId: 'agent_alpha', name: 'contract chat' },
  'chat:send': { conversationId: 'chat_send', text: 'What is the weather in Paris?' },
  'chat:answer': { conversationId: 'chat_human', text: 'yes' },
  'chat:messages': { conversationId: 'chat_tree', limit: 100 },
  'chat:rename': { conversationId: 'chat_send', name: 'renamed in the contract test' },
  'chat:delete': { conversationId: 'chat_delete' },
  'chat:resume': { conversationId: 'chat_stuck' },
  'chat:cancel': { conversationId: 'chat_stuck_cancel' },
  'branches:list': { conversationId: 'chat_tree' },
  'branches:fork': { conversationId: 'chat_tree', fromBranch: 'main', atIndex: 0 },
  'branches:rewind': { conversationId: 'chat_tree', branch: 'main', index: 1 },
  'branches:checkout': { conversationId: 'chat_tree', branch: 'main' },
  'branches:compare': { conversationId: 'chat_tree', left: 'main', right: 'main' },
  'overrides:get': { conversationId: 'chat_tree' },
  'overrides:set': { conversationId: 'chat_tree', patch: { model: 'local/scripted', tools: ['get_weather'] } },
  'artifacts:query': { sessionId: 'chat_tree', type: 'state', text: 'user', limit: 50 },
  'artifacts:get': { ref: refs[0] },
  'artifacts:diff': { left: refs[0], right: refs[1] },
  'settings:get': {},
  'settings:set': { baseUrl: 'http://127.0.0.1:11434/v1', defaultModel: 'ollama/llama3', dedupPolicy: 'penalty', redisUrl: 'redis://127.0.0.1:6379' },
  'settings:test': { target: 'model', url: 'http://127.0.0.1:9/v1' },
  'rollouts:list': { limit: 10 },
  'rollouts:files': {},
  'rollouts:validate': { yaml: DEMO, fileName: 'demo_rollout.yml' },
  'rollouts:start': { yaml: DEMO, fileName: 'demo_rollout.yml', parallel: 2, samples: 1 },
  'rollouts:resume': { id: rollouts.interrupted },
  'rollouts:stop': { id: rollouts.done },
  'rollouts:get': { id: rollouts.done },
  'rollouts:compare': { left: rollouts.done, right: rollouts.done },
  'rollouts:export': { id: rollouts.done, format: 'csv' },
  'canton:status': {},
  'canton:start': {},
  'canton:stop': {},
  'canton:logs': { lines: 20 },
  // Port 9 refuses at once: the install starts (ok) and fails in the background, without network.
  'canton:install': { url: 'http://127.0.0.1:9/canton-open-source.tar.gz' },
  'canton:installStatus': {},
  'logs:tail': { sources: ['app', 'canton'], level: 'info', search: '', lines: 50 },
  'bundles:export': { conversations: ['chat_tree'], artifacts: [refs[0]] },
  'bundles:download': { downloadId: bundles.downloadId, offset: 0 },
  'bundles:upload': { fileName: 'tree.p2bundle', dataBase64: bundles.dataBase64 },
  'bundles:inspect': { uploadId: bundles.uploadId },
  'bundles:import': { uploadId: bundles.uploadId, requestId: 'r1' },
  'bundles:origin': { kind: 'conversation', id: 'chat_tree' },
  'bundles:choosePath': { mode: 'save', defaultName: 'x.p2bundle' },
})

const at = { conversationId: 'c1', agentId: 'agent_alpha', branch: 'main' }
/** One sample payload per event. */
const eventSamples: Record<EventName, unknown> = {
  'ledger:transferred': {
    from: 'agent_alpha',
    to: 'agent_beta',
    amount: '10',
    reason: 'sample',
    result: { transactionId: 'tx1', commandId: 'c1', recordId: 'r1', fromBalance: '90.0', toBalance: '110.0', deduplicated: false },
  },
  'app:toolsReloaded': { tools: ['search_database'], problems: ['config/tools/broken.mjs: cannot load tool file: syntax error: Unexpected token'] },
  'chat:token': { ...at, delta: 'Hel' },
  'chat:entry': { ...at, message: { index: 3, ts: 1, ref: 'a'.repeat(32), kind: 'tool_result', role: 'tool', text: '{"temp":20}', offline: false, tool: { callId: 'call_1', name: 'get_weather', status: 'ok', result: { temp: 20 } } } },
  'chat:tool': { ...at, phase: 'end', callId: 'call_1', name: 'get_weather', status: 'ok', ms: 3 },
  'chat:answered': { ...at, text: 'It is sunny', root: true },
  'chat:inputRequested': { ...at, text: 'Approve?' },
  'bundles:progressed': { requestId: 'r1', phase: 'import', done: 1, total: 2 },
  'rollouts:progressed': {
    rolloutId: 'ro_1', status: 'running',
    variant: { team: 'demo_team', variantId: 'v000', status: 'done', totalTokens: 120, costUsd: 0.0012, score: 0.8, error: null },
    counts: { queued: 1, running: 0, done: 1, failed: 0 }, totalTokens: 120, costUsd: 0.0012,
  },
  'canton:statusChanged': {
    phase: 'ready', installed: true, install: { kind: 'canton', bin: '/opt/canton/bin/canton', source: 'CANTON_HOME' }, installHint: null, pid: 42,
    jsonApiUrl: 'http://127.0.0.1:7575', ports: { jsonApi: 7575, ledgerApi: 6865 }, restarts: 0, detail: 'ready at http://127.0.0.1:7575', owned: true,
    backend: 'embedded', savedBackend: 'canton', logFile: '/tmp/home/logs/canton.log',
    pinned: { version: '3.4.9', url: 'https://example.invalid/canton-open-source-3.4.9.tar.gz', sha256: 'c0'.repeat(32) },
  },
  'canton:installProgress': {
    phase: 'downloading', version: '3.4.9', url: 'https://example.invalid/canton-open-source-3.4.9.tar.gz', sha256: 'c0'.repeat(32),
    received: 1024, total: 4096, dir: null, java: null, error: null,
  },
  'canton:logged': { lines: ['Canton sandbox is ready.'] },
}

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

async function setup() {
  const home = mkdtempSync(join(tmpdir(), 'p2e-contract-'))
  const services = await makeTestServices('browser', home)
  // Electron's dialogs (the desktop host sets them; a fake here): bundles:choosePath answers.
  services.fileDialogs = { save: async (o) => `/tmp/${o.defaultName}`, open: async () => null }
  const bus = new EventBus()
  const store = services.store!
  const rollouts = new RolloutService({
    config: { ...services.config, configDir: CONFIG_DIR, agents: testAgents() }, store, ledger: services.ledger,
    toolNames: () => services.engine!.deps.tools.names(), publish: (p) => void bus.publish('rollouts:progressed', p), pool: instantPool(store),
  })
  const dar = join(home, 'model.dar')
  writeFileSync(dar, 'dar')
  const canton = new CantonService({
    config: services.config, env: { ...process.env, CANTON_BIN: STAND_IN, P2ENGINE_DAR: dar, P2ENGINE_SKIP_JAVA_CHECK: '1' },
    onStatus: (st) => void bus.publish('canton:statusChanged', st),
  })
  services.rollouts = rollouts
  services.canton = canton
  cleanup = async () => {
    await services.engine!.whenIdle()
    await rollouts.close()
    await canton.close()
    await services.close()
    rmSync(home, { recursive: true, force: true })
  }
  const transport = new MapTransport()
  registerHandlers(contract, buildHandlers(services, bus), transport)
  const engine = services.engine!
  engine.startConversation({ agentId: 'agent_alpha', id: 'chat_send' })
  engine.startConversation({ agentId: 'agent_alpha', id: 'chat_tree' })
  engine.send('chat_tree', 'hello there')
  await engine.whenIdle('chat_tree')
  engine.startConversation({ agentId: 'human', id: 'chat_human' })
  engine.send('chat_human', 'may I?')
  await engine.whenIdle('chat_human')
  engine.startConversation({ agentId: 'agent_alpha', id: 'chat_delete' })
  // Written straight to the store (as a CLI rewind would leave it): a tool call nobody runs.
  for (const id of ['chat_stuck', 'chat_stuck_cancel']) seedStuckConversation(engine, { agentId: 'agent_alpha', id, question: 'weather?' })
  const entries = engine.deps.stacks.read(engine.target('chat_tree').conversationId, engine.target('chat_tree').agentId)
  const done = await rollouts.start({ yaml: DEMO, fileName: 'demo_rollout.yml' })
  await rollouts.whenIdle()
  const spec = new SqliteRolloutStore(store).get(done.id).spec
  const interrupted = new SqliteRolloutStore(store).create({ id: 'ro_interrupted', specFile: 'demo_rollout.yml', spec, ledgerBefore: null }).id
  const data = async <T>(p: Promise<{ ok: boolean }>): Promise<T> => ((await p) as { ok: true; data: T }).data
  const exported = await data<{ downloadId: string }>(transport.invoke('bundles:export', { conversations: ['chat_tree'] }))
  const dataBase64 = (await data<{ dataBase64: string }>(transport.invoke('bundles:download', { downloadId: exported.downloadId, offset: 0 }))).dataBase64
  const { uploadId } = await data<{ uploadId: string }>(transport.invoke('bundles:upload', { fileName: 'tree.p2bundle', dataBase64 }))
  const { downloadId } = await data<{ downloadId: string }>(transport.invoke('bundles:export', { rollouts: [done.id] }))
  const seeded: Seeded = { refs: [entries[0]!.ref, entries[1]!.ref], rollouts: { done: done.id, interrupted }, bundles: { downloadId, uploadId, dataBase64 } }
  return { services, bus, transport, samples: samplesFor(seeded) }
}

describe('IPC contract', () => {
  it('has a sample for every channel and registers every channel', async () => {
    const { transport, samples } = await setup()
    expect(Object.keys(samples).sort()).toEqual([...invokeChannels].sort())
    expect([...transport.calls.keys()].sort()).toEqual([...invokeChannels].sort())
  })

  it('round-trips every sample through its handler and schemas', async () => {
    const { transport, samples } = await setup()
    for (const channel of invokeChannels) {
      const spec = contract.invokes[channel]
      expect(spec.input.safeParse(samples[channel]).success, `${channel} sample input`).toBe(true)
      const result = await transport.invoke(channel, samples[channel])
      expect(result.ok, `${channel}: ${JSON.stringify(result)}`).toBe(true)
      if (!result.ok) continue
      // What crossed must survive JSON (structured clone / WebSocket) and still match the schema.
      const wire = JSON.parse(JSON.stringify(result.data))
      expect(spec.output.parse(wire), channel).toEqual(result.data)
    }
  })

  it('round-trips a sample of every event through its schema and the bus', () => {
    expect(Object.keys(eventSamples).sort()).toEqual([...eventNames].sort())
    const logged: string[] = []
    const bus = new EventBus((m) => logged.push(m))
    const seen: unknown[] = []
    bus.subscribe((e) => seen.push(JSON.parse(JSON.stringify(e))))
    for (const name of eventNames) expect(bus.publish(name, eventSamples[name] as never)).toBe(true)
    expect(seen).toEqual(eventNames.map((name) => ({ name, payload: eventSamples[name] })))
    expect(bus.publish('ledger:transferred', { ...(eventSamples['ledger:transferred'] as object), amount: 'lots' } as never)).toBe(false)
    expect(seen).toHaveLength(eventNames.length)
    expect(logged).toEqual(['dropped ledger:transferred: payload breaks the contract: amount: a decimal number such as "12.5"'])
  })

  it('returns the ledger results the UI relies on', async () => {
    const { transport, bus, samples } = await setup()
    const events: unknown[] = []
    bus.subscribe((e) => events.push(e))
    const transfer = await transport.invoke('ledger:transfer', samples['ledger:transfer'])
    expect(transfer).toEqual({
      ok: true,
      data: { transactionId: expect.any(String), commandId: expect.any(String), recordId: expect.any(String), fromBalance: '90.0', toBalance: '110.0', deduplicated: false },
    })
    expect(events).toEqual([{ name: 'ledger:transferred', payload: { from: 'agent_alpha', to: 'agent_beta', amount: '10', reason: 'contract test', result: (transfer as { data: unknown }).data } }])
    const history = await transport.invoke('ledger:history', { agent: 'agent_beta' })
    expect(history).toEqual({
      ok: true,
      data: [{ contractId: expect.any(String), party: 'p2engine::test', fromAgent: 'agent_alpha', toAgent: 'agent_beta', amount: '10.0', reason: 'contract test', timestamp: 1_700_000_000, transactionId: expect.any(String) }],
    })
    expect(await transport.invoke('app:info', {})).toEqual({
      ok: true,
      data: { name: 'P2Engine', version: '0.0.0-test', host: 'browser', home: expect.stringContaining('p2e-contract-'), configDir: '/tmp/p2engine-test-config', ledgerBackend: 'embedded', firstStart: { created: [], balance: null, error: null }, configWarnings: [], ledgerNote: null },
    })
  })

  it('rejects bad input with a USER_INPUT error naming the field', async () => {
    const { transport } = await setup()
    expect(await transport.invoke('ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: '-5' })).toEqual({
      ok: false,
      error: { code: 'USER_INPUT', message: 'invalid input for ledger:transfer: amount: a positive decimal number such as "10" or "2.5"' },
    })
    expect(await transport.invoke('ledger:wallets', { surprise: 1 })).toEqual({
      ok: false,
      error: { code: 'USER_INPUT', message: expect.stringContaining('invalid input for ledger:wallets: input: Unrecognized key') },
    })
  })

  it('maps ledger rejections to their code and message', async () => {
    const { transport } = await setup()
    expect(await transport.invoke('ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: '1000' })).toEqual({
      ok: false,
      error: { code: 'INSUFFICIENT_BALANCE', message: 'Insufficient balance: agent_alpha has 100.0, the transfer needs 1000.0' },
    })
    expect(await transport.invoke('nope:nothing', {})).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: expect.stringContaining('unknown channel "nope:nothing"') },
    })
  })
})
