import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { mutateValue, PROTO_KEYS, Rng } from '../engine/testing/fuzz'
import { EventBus } from '../ipc/eventBus'
import { makeTestServices } from '../ipc/fixtures'
import { startWebHost, type WebHost } from './server'

/**
 * 1,000 random and malformed frames to the browser host (fixed seed): random bytes, random and
 * truncated JSON, broken envelopes, unknown channels, huge numbers, deep nesting, control
 * characters, prototype keys, read channels with mutated arguments and write channels with
 * malformed ones. Each is answered with a named error (or a valid answer for a valid call), or,
 * for a frame that is not an invoke at all, that one socket is closed with 1003 and a reason;
 * the host stays up, nothing is polluted and the database is unchanged.
 */

const TOKEN = 'test-token-fuzz-0123456789'
const SEED = 0x5eed_0011
const CASES_PER_IT = 100
const CHUNK = 20
const DEMO = readFileSync(join(CONFIG_DIR, 'demo_rollout.yml'), 'utf8')
/** A named error code: what the UI branches on. INTERNAL would be a bug. */
const NAMED = /^[A-Z][A-Z0-9_]{2,}$/

const READS: [string, Record<string, unknown>][] = [
  ['app:info', {}], ['app:model', {}], ['agents:list', {}], ['ledger:wallets', {}], ['ledger:history', { agent: 'agent_alpha', limit: 5 }],
  ['ledger:events', { limit: 10, type: 'transfer_executed' }], ['ledger:audit', {}], ['ledger:metrics', {}], ['ledger:status', {}],
  ['chat:list', { includeRollouts: true }], ['chat:messages', { conversationId: 'chat_none', limit: 10 }], ['branches:list', { conversationId: 'chat_none' }],
  ['branches:compare', { conversationId: 'chat_none', left: 'main', right: 'main' }], ['overrides:get', { conversationId: 'chat_none' }],
  ['artifacts:query', { limit: 5, text: 'x' }], ['artifacts:get', { ref: '0'.repeat(32) }], ['artifacts:diff', { left: '0'.repeat(32), right: 'f'.repeat(32) }],
  ['rollouts:list', { limit: 5 }], ['rollouts:validate', { yaml: DEMO, fileName: 'demo_rollout.yml' }], ['rollouts:get', { id: 'ro_none' }],
  ['settings:get', {}], ['canton:logs', { lines: 5 }],
]

/** Valid write calls; the fuzzer sends them only with arguments that cannot pass the contract. */
const WRITES: [string, Record<string, unknown>][] = [
  ['ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: '1', reason: 'fuzz' }],
  ['chat:create', { agentId: 'agent_alpha', name: 'fuzz' }], ['chat:send', { conversationId: 'chat_none', text: 'hi' }],
  ['chat:rename', { conversationId: 'chat_none', name: 'x' }], ['chat:delete', { conversationId: 'chat_none' }],
  ['branches:fork', { conversationId: 'chat_none', atIndex: 0 }], ['overrides:set', { conversationId: 'chat_none', patch: { model: 'local/scripted' } }],
  ['settings:set', { dedupPolicy: 'penalty' }], ['rollouts:start', { yaml: DEMO, fileName: 'demo_rollout.yml' }], ['rollouts:stop', { id: 'ro_none' }],
  ['canton:start', {}], ['canton:stop', {}],
]

type Outcome = { kind: 'result'; ok: boolean; code?: string; data?: unknown } | { kind: 'closed'; code: number; reason: string }
interface Case { what: string; send: string | Buffer; expect: 'result' | 'closed' | 'either'; valid?: boolean; write?: boolean }

/** Builds case `i`: what to send and which answer is acceptable. */
function makeCase(rng: Rng, id: number): Case {
  const invoke = (channel: unknown, input: unknown) => JSON.stringify({ type: 'invoke', id, channel, input })
  const [rc, rargs] = rng.pick(READS)
  switch (rng.int(12)) {
    case 0: return { what: 'random bytes', send: rng.bytes(1 + rng.int(300)), expect: 'closed' }
    case 1: return { what: 'random text', send: `{${rng.text(1 + rng.int(200))}`, expect: 'closed' }
    case 2: {
      const full = invoke(rc, rargs)
      return { what: `truncated ${rc}`, send: full.slice(0, rng.int(full.length - 1)), expect: 'closed' }
    }
    case 3: {
      const bad = rng.pick<unknown>([
        { type: 'invoke', id: String(id), channel: rc, input: rargs }, { type: 'invoke', id: -1, channel: rc }, { type: 'invoke', id: 1.5, channel: rc },
        { type: 'invoke', id: 2 ** 64, channel: rc }, { type: 'invoke', id, channel: 42 }, { type: 'invoke', id, channel: [rc] }, { type: 'result', id, channel: rc },
        { id, channel: rc }, [], 'invoke', null, 1e308,
      ])
      return { what: `bad envelope ${JSON.stringify(bad)?.slice(0, 60)}`, send: JSON.stringify(bad), expect: 'closed' }
    }
    case 4: {
      const channel = rng.pick(['', 'ledger', 'ledger:', 'LEDGER:WALLETS', 'ledger:wallets ', ...PROTO_KEYS, 'toString', 'hasOwnProperty', rng.text(20)])
      return { what: `unknown channel ${JSON.stringify(channel)}`, send: invoke(channel, {}), expect: 'result' }
    }
    case 5: {
      const n = rng.pick([1e308, -1e308, 2 ** 53 + 1, -0, 1e-320, 9007199254740993])
      const [c, a] = rng.pick<[string, Record<string, unknown>]>([['ledger:history', { limit: n }], ['canton:logs', { lines: n }], ['rollouts:list', { limit: n }], ['branches:fork', { conversationId: 'c', atIndex: n }], ['ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: n }]])
      return { what: `${c} with ${n}`, send: invoke(c, a), expect: 'result', write: c === 'ledger:transfer' || c === 'branches:fork' }
    }
    case 6: {
      const depth = rng.pick([100, 1000, 10_000, 100_000])
      const deep = `${'['.repeat(depth)}1${']'.repeat(depth)}`
      return rng.next() < 0.5
        ? { what: `input nested ${depth} deep`, send: `{"type":"invoke","id":${id},"channel":"${rc}","input":${deep}}`, expect: 'result' }
        : { what: `frame nested ${depth} deep`, send: deep, expect: 'closed' }
    }
    case 7: {
      const cc = String.fromCharCode(rng.int(32))
      const [c, a] = rng.pick<[string, Record<string, unknown>]>([['ledger:history', { agent: `agent${cc}alpha` }], ['chat:messages', { conversationId: `c${cc}\u001b[2J` }], ['ledger:transfer', { from: 'agent_alpha', to: `agent_beta${cc}`, amount: '1' }], ['rollouts:get', { id: `\u0000${cc}` }]])
      return { what: `${c} with control character ${cc.charCodeAt(0)}`, send: invoke(c, a), expect: 'result', write: c === 'ledger:transfer' }
    }
    case 8: {
      const key = rng.pick(PROTO_KEYS)
      const where = rng.int(3)
      const payload = `{"${key}":{"polluted":true,"limit":1,"prototype":{"polluted":true}}}`
      const send = where === 0 ? `{"type":"invoke","id":${id},"channel":"${rc}","input":${payload}}`
        : where === 1 ? `{"type":"invoke","id":${id},"channel":"${rc}","input":{},"${key}":{"polluted":true}}`
          : `{"type":"invoke","id":${id},"channel":"ledger:transfer","input":{"from":"agent_alpha","to":"agent_beta","amount":"1","${key}":{"polluted":true}}}`
      return { what: `prototype key ${key} (${where})`, send, expect: 'either', write: where === 2 }
    }
    case 9: {
      const m = mutateValue(rng, rargs)
      return { what: `${rc} mutated: ${m.what}`, send: invoke(rc, m.value), expect: 'result', valid: true }
    }
    case 10:
      return { what: `${rc} as is`, send: invoke(rc, rargs), expect: 'result', valid: true }
    default: {
      const [wc, wargs] = rng.pick(WRITES)
      // Arguments that cannot pass: a wrong type for every field, or a key the strict schema refuses.
      const bad = rng.next() < 0.5 ? { ...wargs, [rng.pick(['extra', 'from_agent', '__proto__', 'constructor', rng.text(8)])]: 1 } : Object.fromEntries(Object.keys(wargs).map((k) => [k, rng.pick([[], {}, true, -1e308])]))
      const noKeys = Object.keys(wargs).length === 0 && Object.keys(bad).length === 0
      return { what: `${wc} malformed`, send: invoke(wc, noKeys ? { extra: 1 } : bad), expect: 'result', write: true }
    }
  }
}

let host: WebHost
let services: Awaited<ReturnType<typeof makeTestServices>>
let dir: string
let before: unknown
const uncaught: unknown[] = []
/** Answers of all blocks by kind. */
const tally = { closed: 0, ok: 0, refused: 0 }
const onUncaught = (err: unknown) => uncaught.push(err)

/** Every table's row count plus the ledger's own view: must not change. */
async function snapshot() {
  const db = services.store!.db
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[])
  return {
    rows: Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get()])),
    wallets: await services.ledger.listWallets(),
    history: await services.ledger.history(),
    events: await services.ledger.events({ limit: 1000 }),
  }
}

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${TOKEN}`)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Sends one frame on its own socket; resolves with the result for `id` or the close. */
async function send(c: Case, id: number): Promise<Outcome> {
  const ws = await open()
  return new Promise((resolve) => {
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string; id?: number; result?: { ok: boolean; data?: unknown; error?: { code: string } } }
      if (f.type === 'result' && f.id === id) {
        resolve({ kind: 'result', ok: f.result!.ok, code: f.result!.error?.code, data: f.result!.data })
        ws.close()
      }
    })
    ws.once('close', (code, reason) => resolve({ kind: 'closed', code, reason: String(reason) }))
    ws.send(c.send)
  })
}

/** Why an outcome is wrong for its case, or null when it is acceptable. */
function problem(c: Case, o: Outcome): string | null {
  if (o.kind === 'closed') {
    if (c.expect === 'result') return `closed ${o.code} (${o.reason}) instead of an answer`
    return o.code === 1003 && o.reason.startsWith('malformed frame') ? null : `closed with ${o.code} (${o.reason})`
  }
  if (c.expect === 'closed') return `answered ${JSON.stringify(o)} to a frame that is not an invoke`
  if (c.write && o.ok) return 'a malformed write was accepted'
  if (!o.ok && (!o.code || !NAMED.test(o.code) || o.code === 'INTERNAL')) return `unnamed error ${o.code}`
  if (o.ok && !c.valid && c.expect !== 'either') return `accepted: ${JSON.stringify(o.data)?.slice(0, 80)}`
  return null
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught)
  dir = mkdtempSync(join(tmpdir(), 'p2e-fuzz-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>P2Engine</title>')
  services = await makeTestServices()
  host = await startWebHost({ services, bus: new EventBus(), rendererDir: dir, port: 0, token: TOKEN })
  before = await snapshot()
})

afterAll(async () => {
  process.off('uncaughtException', onUncaught)
  await host.close()
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('browser host under 1,000 fuzzed frames (seeded)', () => {
  for (let block = 0; block < 1000 / CASES_PER_IT; block++) {
    it(`frames ${block * CASES_PER_IT}–${(block + 1) * CASES_PER_IT - 1}: named answers, host alive, database unchanged`, async () => {
      const rng = new Rng(SEED + block)
      const failures: string[] = []
      for (let start = 0; start < CASES_PER_IT; start += CHUNK) {
        const ids = Array.from({ length: CHUNK }, (_, k) => block * CASES_PER_IT + start + k + 1)
        const cases = ids.map((id) => makeCase(rng, id))
        const outcomes = await Promise.all(cases.map((c, k) => send(c, ids[k]!)))
        outcomes.forEach((o, k) => {
          tally[o.kind === 'closed' ? 'closed' : o.ok ? 'ok' : 'refused']++
          const p = problem(cases[k]!, o)
          if (p) failures.push(`frame ${ids[k]} ${cases[k]!.what}: ${p}`)
        })
      }
      expect(failures).toEqual([])
      // Every kind of answer occurs: the frames reach the handlers, the envelope check and the parser.
      if (block === 1000 / CASES_PER_IT - 1) expect(Math.min(tally.closed, tally.ok, tally.refused)).toBeGreaterThan(40)
      expect(uncaught).toEqual([])
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      // Alive: a valid call still works; unchanged: every table and the ledger as before.
      expect(await send({ what: 'final', send: JSON.stringify({ type: 'invoke', id: 1, channel: 'ledger:wallets', input: {} }), expect: 'result' }, 1)).toMatchObject({ kind: 'result', ok: true })
      expect(await snapshot()).toEqual(before)
    })
  }
})
