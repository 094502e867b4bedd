import Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from '../cli/commands/cliTestKit'
import { MAX_SEQ } from '../storage/stacks/entryKeys'
import { unzip } from './read'

/** What a home shows of a conversation: every agent's stack, branches and artifacts (ids included). */
async function views(env: CliEnv, name: string) {
  const json = async (...argv: string[]) => {
    const r = await env.run(argv)
    expect([r.code, r.err]).toEqual([0, ''])
    return JSON.parse(r.out) as unknown
  }
  return {
    list: await json('conversation', 'list', '--json'),
    alpha: await json('conversation', 'stack', name, '--n', '0', '--json'),
    alphaMain: await json('conversation', 'stack', name, '--n', '0', '--branch', 'main', '--json'),
    helper: await json('conversation', 'stack', name, '--agent-id', 'agent_helper', '--n', '0', '--json'),
    branches: await json('conversation', 'branches', name, '--json'),
    artifacts: await json('artifact', 'show', name, '--limit', '1000', '--json'),
  }
}

let a: CliEnv
let bundle: string
const homes: CliEnv[] = []
const fresh = () => {
  const e = cliEnv()
  homes.push(e)
  return e
}

beforeAll(async () => {
  a = fresh()
  expect((await a.run(['ledger', 'init'])).code).toBe(0)
  expect((await a.run(['chat', 'with', 'agent_alpha', '--name', 'trip'], { input: ['Ask agent_helper: weather in Paris?', 'exit'] })).code).toBe(0)
  expect((await a.run(['chat', 'send', 'trip', 'Send 25 to agent_beta for helping with analysis'])).code).toBe(0)
  // A branch: rewind to the first answer; main keeps the payment.
  expect((await a.run(['conversation', 'rewind', 'trip', '0'])).code).toBe(0)
  bundle = join(a.root, 'trip.p2bundle')
  const r = await a.run(['bundle', 'export', '--conversation', 'trip', '--out', bundle])
  expect([r.code, r.err]).toEqual([0, ''])
  expect(r.out).toMatch(/^Exported 1 conversation, \d+ branches, \d+ entries, .*1 ledger transfer.* to .*trip\.p2bundle \(/)
})
afterAll(() => {
  for (const h of homes) h.cleanup()
})

describe('bundle export → import into a fresh home', () => {
  it('round trip of a chat with a branch, a delegation and a payment: stacks, branches and artifacts equal; balances and audit untouched', async () => {
    const b = fresh()
    const r = await b.run(['bundle', 'import', bundle])
    expect([r.code, r.err]).toEqual([0, ''])
    expect(r.out).toMatch(/^Imported conversation trip \(chat_/)
    expect(r.out).toContain('1 ledger transfers kept as history of the source run (local balances unchanged).')
    const [va, vb] = [await views(a, 'trip'), await views(b, 'trip')]
    expect(vb).toEqual(va)
    expect((vb.branches as unknown[]).length).toBe(2)
    expect(JSON.stringify(vb.helper)).toContain('71.6')
    // The payment is history only: B's ledger has no wallets, and its audit holds.
    const audit = await b.run(['ledger', 'audit'])
    expect(audit.code).toBe(0)
    expect(audit.out).toContain('Invariants hold')
    // Origin is shown.
    const show = await b.run(['conversation', 'show', 'trip'])
    expect(show.out).toMatch(/imported from bundle trip\.p2bundle \(machine m_[0-9a-f]{32}, /)
    expect(show.out).toContain("1 ledger transfer of the source run kept as history (not in this ledger's balances)")
    expect((await b.run(['artifact', 'show', 'trip'])).out).toMatch(/imported from bundle trip\.p2bundle/)
    expect((await a.run(['conversation', 'show', 'trip'])).out).not.toMatch(/imported/)
  })

  it('a second import changes nothing; importing into the home that made it changes nothing', async () => {
    const b = fresh()
    expect((await b.run(['bundle', 'import', bundle])).code).toBe(0)
    const before = await views(b, 'trip')
    const again = await b.run(['bundle', 'import', bundle, '--json'])
    expect(again.code).toBe(0)
    const rep = JSON.parse(again.out) as { changed: boolean; items: { status: string }[]; written: Record<string, number> }
    expect([rep.changed, rep.items.map((i) => i.status), Object.values(rep.written).every((n) => n === 0)]).toEqual([false, ['already-imported'], true])
    expect(await views(b, 'trip')).toEqual(before)
    const home = await a.run(['bundle', 'import', bundle])
    expect(home.out).toContain('Nothing changed: everything in this bundle is already here.')
  })

  it('re-export gives byte-identical entries (only the manifest time differs)', async () => {
    const again = join(a.root, 'again.p2bundle')
    expect((await a.run(['bundle', 'export', '--conversation', 'trip', '--out', again])).code).toBe(0)
    const [x, y] = [await unzip(readFileSync(bundle), 'x'), await unzip(readFileSync(again), 'y')]
    for (const m of [x, y]) m.delete('manifest.json')
    expect([...y.entries()]).toEqual([...x.entries()])
  })

  it('taken ids and names get new ones, consistently; local work is not touched', async () => {
    // B imports A's bundle (ids kept), then its own export of it comes back to A: same ids, another machine.
    const b = fresh()
    expect((await b.run(['bundle', 'import', bundle])).code).toBe(0)
    const back = join(b.root, 'back.p2bundle')
    expect((await b.run(['bundle', 'export', '--conversation', 'trip', '--out', back])).code).toBe(0)
    const stack = async (name: string, ...more: string[]) => JSON.parse((await a.run(['conversation', 'stack', name, '--n', '0', '--json', ...more])).out) as { conversation: string; entries: { state: unknown }[] }
    const before = await stack('trip')
    const r = await a.run(['bundle', 'import', back, '--json'])
    expect(r.code).toBe(0)
    const item = (JSON.parse(r.out) as { items: { id: string; name: string; renamed: unknown }[]; refsRemapped: number })
    expect(item.items[0]!.name).toBe('trip (imported)')
    expect(item.items[0]!.id).not.toBe(before.conversation)
    expect(item.refsRemapped).toBeGreaterThan(0)
    expect(await stack('trip')).toEqual(before)
    const states = (v: { entries: { state: unknown }[] }) => v.entries.map((e) => e.state)
    expect(states(await stack('trip (imported)', '--branch', 'main'))).toEqual(states(await stack('trip', '--branch', 'main')))
  })
})

describe('bad bundles', () => {
  const expectUnchanged = async (env: CliEnv) => expect(JSON.parse((await env.run(['conversation', 'list', '--json'])).out)).toEqual([])

  it('a flipped byte or a truncated file fails verify and import with one line; the target stays unchanged', async () => {
    const bytes = readFileSync(bundle)
    const flipped = Buffer.from(bytes)
    flipped[Math.floor(bytes.length / 3)]! ^= 0x40
    const truncated = bytes.subarray(0, bytes.length - 200)
    const b = fresh()
    for (const [name, data] of [['flipped.p2bundle', flipped], ['truncated.p2bundle', truncated]] as const) {
      const file = join(b.root, name)
      writeFileSync(file, data)
      for (const cmd of ['verify', 'import']) {
        const r = await b.run(['bundle', cmd, file])
        expect(r.code).toBe(2)
        expect(r.err.split('\n')).toHaveLength(1)
        expect(r.err).toMatch(new RegExp(`^error: bundle ${name}: `))
      }
    }
    await expectUnchanged(b)
    expect((await b.run(['bundle', 'verify', bundle])).out).toMatch(/^OK: trip\.p2bundle verified \(\d+ entries; every checksum and row schema holds/)
  })

  it('a home that holds the most conversations it can refuses the import with one line and keeps nothing of it', async () => {
    const b = fresh()
    expect((await b.run(['conversation', 'list', '--json'])).code).toBe(0)
    const db = new Database(join(b.root, 'home', 'p2engine.db'))
    db.prepare(`INSERT INTO conversations (seq, id, name, root_agent, created_at, metadata) VALUES (?, 'chat_last', 'last', 'agent_alpha', 0, '{"schemaVersion":1,"metadata":{}}')`).run(MAX_SEQ)
    db.close()
    const r = await b.run(['bundle', 'import', bundle])
    expect(r.code).not.toBe(0)
    expect(r.err).toBe(`error: this database holds the most conversations it can (${MAX_SEQ}); delete some or import into another P2ENGINE_HOME`)
    const list = JSON.parse((await b.run(['conversation', 'list', '--json'])).out) as { name: string }[]
    expect(list.map((c) => c.name)).toEqual(['last'])
  })

  it('an import never takes a seq that still has rows left under it (its keys would collide with theirs)', async () => {
    const b = fresh()
    expect((await b.run(['chat', 'with', 'agent_alpha', '--name', 'left'], { input: ['weather in Paris?', 'exit'] })).code).toBe(0)
    // The conversation row deleted by hand: its branch and entry rows stay under seq 1.
    const db = new Database(join(b.root, 'home', 'p2engine.db'))
    expect(db.prepare('DELETE FROM conversations').run().changes).toBe(1)
    db.close()
    const r = await b.run(['bundle', 'import', bundle])
    expect([r.code, r.err]).toEqual([0, ''])
    const c = fresh()
    expect((await c.run(['bundle', 'import', bundle])).code).toBe(0)
    expect(await views(b, 'trip')).toEqual(await views(c, 'trip'))
  })

  it('names the entry whose checksum fails', async () => {
    const { zipBundle } = await import('./write')
    const files = await unzip(readFileSync(bundle), 'x')
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Parameters<typeof zipBundle>[0]
    files.delete('manifest.json')
    const entries = [...files.entries()].map(([n, b]): [string, Buffer] => [n, n === 'entries.jsonl' ? Buffer.from(b.toString().replace('weather', 'WEATHER')) : b])
    const file = join(a.root, 'tampered.p2bundle')
    writeFileSync(file, await zipBundle(manifest, entries))
    const r = await a.run(['bundle', 'verify', file])
    expect([r.code, r.err]).toEqual([2, 'error: bundle tampered.p2bundle: entry entries.jsonl fails its SHA-256 check (changed or damaged)'])
  })

  it('URLs other than s3:// are refused (S3 round trips: bundleS3.test.ts)', async () => {
    const r = await a.run(['bundle', 'import', 'https://host/key.p2bundle'])
    expect([r.code, r.err]).toEqual([2, 'error: bundle https://host/key.p2bundle: only local files and s3:// locations are bundle locations'])
    const e = await a.run(['bundle', 'export', '--conversation', 'trip', '--out', 'ftp://host/key.p2bundle'])
    expect([e.code, e.err]).toEqual([2, 'error: --out ftp://host/key.p2bundle: only local files and s3:// locations are bundle locations'])
  })

  it('unknown conversations and empty selections are one-line errors', async () => {
    const r = await a.run(['bundle', 'export', '--conversation', 'nope'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^error: --conversation: no conversation named or with id "nope"; recent: .*trip/)
    expect((await a.run(['bundle', 'export'])).err).toBe('error: nothing to export: give --conversation NAME|ID, --rollout ID or --all')
    const missing = join(a.root, 'missing.p2bundle')
    expect((await a.run(['bundle', 'verify', missing])).err).toBe(`error: bundle ${missing}: no such file`)
  })
})
