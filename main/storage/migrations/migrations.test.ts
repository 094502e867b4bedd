import { DEFAULT_HEADER_EXTRAS } from '../artifacts/entryHeader'
import { idNotDerived, seqNamedBy } from '../stacks/conversationIds'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asAgentId, asConversationId } from '../../engine/schema/states'
import { rolloutState } from '../../engine/rollouts/liveness'
import { EmbeddedLedger } from '../ledger/embeddedLedger'
import { SqliteRolloutStore } from '../rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from '../stacks/create'
import { prepareStackStatements } from '../stacks/statements'
import { WALLET_COMMAND_PREFIXES } from '../../engine/ledger/commandIds'
import { commandNamespacesMigration } from './007_commandNamespaces'
import { readAll } from '../../../tests/fixtures/db/readAll'
import { CURRENT_SCHEMA_VERSION, MIGRATIONS } from './index'

const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/db')
const LEDGER_TABLES = ['ledger_transactions', 'ledger_wallets', 'ledger_transfer_records', 'ledger_metrics']

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-mig-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Every row of the ledger tables, to compare before and after migrating. */
function ledgerRows(file: string): unknown[] {
  const db = new Database(file, { readonly: true })
  try {
    return LEDGER_TABLES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all())
  } finally {
    db.close()
  }
}

/** After migrating, stacks and artifacts work on the database. */
function checkStacksWork(file: string): void {
  const store = openStore(file)
  try {
    expect(store.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    const { stacks } = createStackStorage(store)
    const conv = stacks.createConversation({ name: 'after-migration', rootAgent: 'agent_alpha' })
    stacks.push(asConversationId(conv.id), asAgentId('agent_alpha'), [{ kind: 'user_message', text: 'hi' }])
    expect(stacks.read(conv.id, asAgentId('agent_alpha')).map((e) => e.state)).toEqual([{ kind: 'user_message', text: 'hi', meta: null }])
  } finally {
    store.close()
  }
}

/** Writes the dump `tests/fixtures/db/<name>.sql` (an older schema) into `<dir>/<as>` and returns that path. */
function fixtureDb(dir: string, name: string, as = `${name}.db`): string {
  const file = join(dir, as)
  const db = new Database(file)
  db.exec(readFileSync(join(FIXTURES, `${name}.sql`), 'utf8'))
  db.close()
  return file
}

/** What the build of that schema read from the fixture (tests/fixtures/db/readAll.ts, run before the next migration existed). */
const fixtureReads = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.reads.json`), 'utf8'))

/**
 * Migrates the fixture `name` (tests/fixtures/db/<name>.sql) to the current version, checks that
 * every read through the ports is what that build read (<name>.reads.json), then runs `more`.
 */
function withMigratedFixture(name: string, more: (store: SqliteStore, storage: ReturnType<typeof createStackStorage>) => void): void {
  const store = openStore(fixtureDb(dir, name))
  try {
    expect(store.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    const storage = createStackStorage(store)
    expect(JSON.parse(JSON.stringify(readAll(storage)))).toEqual(fixtureReads(name))
    more(store, storage)
  } finally {
    store.close()
  }
}

describe('migrations', () => {
  it('are numbered consecutively from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1))
    expect(MIGRATIONS.map((m) => m.name)).toEqual(['ledger', 'artifacts', 'stacks', 'runtime', 'rollouts', 'rollout_runner', 'command_namespaces', 'state_rows', 'model_call_rows', 'bundles', 'variant_worker', 'recording_conversation', 'stack_keys', 'default_headers', 'conversation_keys', 'call_headers', 'fork_index'])
  })

  it('007 covers every wallet-creation prefix the ledger reserves', () => {
    for (const p of WALLET_COMMAND_PREFIXES) expect(commandNamespacesMigration.sql).toContain(`command_id GLOB '${p}*'`)
  })

  it('007 moves transfers stored under wallet-creation ids to the user namespace, so `ledger init` works again', async () => {
    const file = fixtureDb(dir, 'v6', 'bad.db')
    // What builds before v7 accepted: transfers under `init:`/`migrate:` ids (written directly,
    // since this build refuses them), one of them whose renamed id is already taken.
    const v6 = openStore(file, { migrations: MIGRATIONS.slice(0, 6) })
    const old = new EmbeddedLedger(v6, { party: 'p2engine', now: () => 1_767_225_700 })
    for (const id of ['t-a', 't-b', 'legacy-transfer:migrate:embedded:x', 't-c', 'INIT:keep']) old.transferSync({ from: 'agent_beta', to: 'agent_alpha', amount: '1', commandId: id })
    const rename = v6.db.prepare('UPDATE ledger_transactions SET command_id = ? WHERE command_id = ?')
    rename.run('init:agent_lemy2', 'fixture-t1')
    rename.run('init:agent_alpha', 't-a')
    rename.run('migrate:embedded:x', 't-b')
    await expect(old.createWallet({ agent: 'agent_lemy2', initialBalance: '1', commandId: 'init:agent_lemy2' })).rejects.toMatchObject({ code: 'DUPLICATE_COMMAND' })
    const wallets = await old.listWallets()
    v6.close()
    const [txBefore, ...restBefore] = ledgerRows(file) as Record<string, unknown>[][]

    const store = openStore(file)
    try {
      const ledger = new EmbeddedLedger(store, { party: 'p2engine' })
      const [txAfter, ...restAfter] = ledgerRows(file) as Record<string, unknown>[][]
      expect(restAfter).toEqual(restBefore)
      expect(txAfter!.map((r) => r.command_id)).toEqual([
        'fixture-w1', 'fixture-w2', 'legacy-transfer:init:agent_lemy2', 'legacy-transfer:init:agent_alpha',
        `legacy-transfer:migrate:embedded:x#${txBefore![4]!.tx_id as string}`, 'legacy-transfer:migrate:embedded:x', 't-c', 'INIT:keep',
      ])
      expect(txAfter!.map(({ command_id: _, ...r }) => r)).toEqual(txBefore!.map(({ command_id: _, ...r }) => r))
      expect(await ledger.createWallet({ agent: 'agent_lemy2', initialBalance: '1', commandId: 'init:agent_lemy2' })).toMatchObject({ created: true })
      expect(await ledger.createWallet({ agent: 'agent_alpha', initialBalance: '1', commandId: 'init:agent_alpha' })).toMatchObject({ created: false })
      expect((await ledger.listWallets()).filter((w) => w.agent !== 'agent_lemy2')).toEqual(wallets)
      expect((await ledger.audit()).violations).toEqual([])
    } finally {
      store.close()
    }
  })

  it('upgrade a database created with only migration 001 and keep its ledger rows', async () => {
    const file = join(dir, 'v1.db')
    const old = openStore(file, { migrations: MIGRATIONS.slice(0, 1) })
    expect(old.schemaVersion).toBe(1)
    const ledger = new EmbeddedLedger(old, { party: 'p2engine' })
    await ledger.createWallet({ agent: 'agent_alpha', initialBalance: '100.0' })
    await ledger.createWallet({ agent: 'agent_beta', initialBalance: '5.0' })
    await ledger.transfer({ from: 'agent_alpha', to: 'agent_beta', amount: '1.5' })
    old.close()
    const before = ledgerRows(file)
    checkStacksWork(file)
    expect(ledgerRows(file)).toEqual(before)
    const reopened = openStore(file)
    expect((await new EmbeddedLedger(reopened, { party: 'p2engine' }).getWallet('agent_beta'))?.balance).toBe('6.5')
    reopened.close()
  })

  it('008 keeps every read of a v7 database the same: conversations, branches, entries, artifacts, links, tags, metrics', () => {
    withMigratedFixture('v7', (store) => {
      const count = (sql: string) => store.db.prepare(sql).pluck().get()
      // Each state is stored once: live states are stack rows only, copies point at them, the rest stay artifacts.
      expect(count("SELECT COUNT(*) FROM artifacts WHERE ref IN (SELECT ref FROM stack_entries WHERE copied = 0)")).toBe(0)
      expect(count('SELECT COUNT(*) FROM stack_entries WHERE copied = 1')).toBe(4)
      expect(count("SELECT COUNT(*) FROM artifacts WHERE type = 'state'")).toBe(7)
      expect(count("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('artifact_payloads', 'artifact_tags') AND type = 'view'")).toBe(2)
    })
  })

  it('009 keeps every read of a v8 database the same, and new model calls read back as the same metrics artifacts', () => {
    withMigratedFixture('v8', (store, storage) => {
      // A model call stored with its answer is a metrics artifact like the ones recorded before.
      const { stacks, artifacts } = storage
      const c = stacks.createConversation({ name: 'v9', rootAgent: 'agent_alpha', id: 'chat_v9' })
      stacks.push(c.id, c.rootAgent, [{ kind: 'user_message', text: 'hi' }])
      const payload = { model: 'local/scripted', provider: 'local', promptTokens: 1, completionTokens: 2, costUsd: 0, latencyMs: 0, offline: true, replayed: false }
      const answer = stacks.push(c.id, c.rootAgent, [{ kind: 'assistant_message', content: 'hello' }], { modelCall: { payload, tags: ['model_call', 'local/scripted', 'offline'] } })
      const [metrics] = artifacts.query({ sessionId: 'chat_v9', type: 'metrics' })
      expect(metrics).toMatchObject({ type: 'metrics', role: 'model_call', episodeId: '', stepIdx: 1, tags: ['model_call', 'local/scripted', 'offline'], parentRefs: [] })
      expect(artifacts.get(metrics!.ref).payload).toEqual(payload)
      expect(artifacts.get(answer.entries[0]!.ref).header.stepIdx).toBe(2)
      expect(artifacts.query({ tag: 'model_call' }).map((h) => h.ref)).toContain(metrics!.ref)
      expect(artifacts.query({ sessionId: 'chat_v9', role: 'model_call' }).map((h) => h.ref)).toEqual([metrics!.ref])
      expect(artifacts.countByType({ sessionId: 'chat_v9' })).toEqual([{ type: 'state', count: 2 }, { type: 'metrics', count: 1 }])
      const view = (sql: string) => store.db.prepare(sql).pluck().all(metrics!.ref)
      expect(view("SELECT type FROM all_artifacts WHERE ref = ?")).toEqual(['metrics'])
      expect(view('SELECT tag FROM artifact_tags WHERE ref = ? ORDER BY tag')).toEqual(['local/scripted', 'model_call', 'offline'])
      // Rewound away, the metrics stay an artifact with the state they were stored with.
      stacks.rewind(c.id, c.rootAgent, undefined, 0)
      expect(artifacts.get(metrics!.ref)).toEqual({ header: metrics, payload })
      expect(store.db.prepare("SELECT COUNT(*) FROM artifacts WHERE ref = ? AND type = 'metrics'").pluck().get(metrics!.ref)).toBe(1)
    })
  })

  it('013 keeps every read of a v12 database the same; entries are keyed by conversation and stack, and new refs name their row', () => {
    withMigratedFixture('v12', (store, storage) => {
      const db = store.db
      // No composite index any more, no foreign key from entries, and every old row keeps its ref in the partial index.
      expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'stack_entries' AND type = 'index'").pluck().get()).toBe(2)
      expect(db.prepare("SELECT COUNT(*) FROM pragma_foreign_key_list('stack_entries')").pluck().get()).toBe(0)
      expect(db.prepare('SELECT COUNT(*) FROM stack_entries INDEXED BY stack_entries_ref WHERE ref = ref AND (substr(ref, 1, 8) <> \'5747e000\' OR substr(ref, 17) <> printf(\'%016x\', key))').pluck().get())
        .toBe(db.prepare('SELECT COUNT(*) FROM stack_entries').pluck().get())
      // Each stack's rows are one key range: seq · 2^36 + stack_no · 2^20 + idx.
      // (Since migration 015 a branch row's key is its stack's first entry key: stack_no is read from it.)
      const bad = db.prepare(`SELECT COUNT(*) FROM stack_entries e JOIN stack_branches b USING (conversation_id, agent_id, branch_id) JOIN conversations c ON c.id = e.conversation_id
        WHERE e.key <> c.seq * 68719476736 + ((b.key >> 20) & 65535) * 1048576 + e.idx`).pluck().get()
      expect(bad).toBe(0)
      expect(db.prepare("SELECT COUNT(DISTINCT conversation_id || '/' || ((key >> 20) & 65535)) = COUNT(*) FROM stack_branches").pluck().get()).toBe(1)
      // A push after the migration: a new stack number, refs naming the row, read back by ref, by session and through the views.
      const { stacks, artifacts } = storage
      const c = stacks.getConversation('fixture-tools')
      const pushed = stacks.push(c.id, asAgentId('third'), [{ kind: 'user_message', text: 'after 013' }])
      const ref = pushed.entries[0]!.ref
      expect(ref).toMatch(/^5747e000[0-9a-f]{24}$/)
      expect(artifacts.get(ref).payload).toMatchObject({ kind: 'user_message', text: 'after 013' })
      expect(artifacts.query({ sessionId: c.id, agentId: 'third' }).map((h) => h.ref)).toEqual([ref])
      expect(db.prepare('SELECT session_id FROM all_artifacts WHERE ref = ?').pluck().get(ref)).toBe(c.id)
      expect(db.prepare("SELECT (key >> 20) & 65535 FROM stack_branches WHERE conversation_id = ? AND agent_id = 'third'").pluck().get(c.id)).toBe(3)
      // An old ref still reads back, and a rewind keeps the states it removes as artifacts under the same refs.
      const old = stacks.read(c.id, c.rootAgent)
      expect(artifacts.get(old[0]!.ref).header.ref).toBe(old[0]!.ref)
      stacks.rewind(c.id, c.rootAgent, undefined, 0)
      for (const e of old) expect(artifacts.get(e.ref).payload).toEqual(e.state)
    })
  })

  it('014 keeps every read of a v13 database the same; a new state with the default header stores an empty one', () => {
    withMigratedFixture('v13', (store, storage) => {
      const db = store.db
      // Rows written before keep their header JSON; nothing was rewritten.
      expect(db.prepare("SELECT COUNT(*) FROM stack_entries WHERE header = ''").pluck().get()).toBe(0)
      const { stacks, artifacts } = storage
      const c = stacks.getConversation('fixture-tools')
      const ref = stacks.push(c.id, c.rootAgent, [{ kind: 'user_message', text: 'after 014' }]).entries[0]!.ref
      expect(db.prepare('SELECT header FROM stack_entries WHERE ref = ?').pluck().get(ref)).toBe('')
      const h = artifacts.get(ref).header
      expect([h.tags, h.parentRefs, h.provenance, h.meta]).toEqual([[], [], {}, {}])
      expect(db.prepare('SELECT header FROM all_artifacts WHERE ref = ?').pluck().get(ref)).toBe(DEFAULT_HEADER_EXTRAS)
      expect(db.prepare("SELECT COUNT(*) FROM artifact_tags WHERE tag = 'model_call'").pluck().get()).toBeGreaterThan(0)
      stacks.rewind(c.id, c.rootAgent, undefined, 0)
      expect(db.prepare('SELECT header FROM artifacts WHERE ref = ?').pluck().get(ref)).toBe(DEFAULT_HEADER_EXTRAS)
    })
  })

  it('015 keeps every read of a v14 database the same; branches are keyed by their stack, and a new conversation writes no index', () => {
    withMigratedFixture('v14', (store, storage) => {
      const db = store.db
      const pluck = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args)
      // No foreign key left on the rebuilt tables, and no index on the branch triple.
      expect(pluck("SELECT COUNT(*) FROM pragma_foreign_key_list('stack_branches')")).toBe(0)
      expect(pluck("SELECT COUNT(*) FROM pragma_foreign_key_list('stack_current')")).toBe(0)
      // (Migration 017 adds a partial index of the forked branches only: a main branch, made on the hot path, writes none.)
      expect(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'stack_branches' AND type = 'index'").pluck().all()).toEqual(['stack_branches_forks'])
      // Every id from before is in the partial index (none of them names its seq).
      expect(pluck(`SELECT COUNT(*) FROM conversations INDEXED BY conversations_other_id WHERE id = id AND ${idNotDerived()}`)).toBe(pluck('SELECT COUNT(*) FROM conversations'))
      // Each entry lies in its branch's key range, at its index.
      expect(pluck('SELECT COUNT(*) FROM stack_entries e JOIN stack_branches b USING (conversation_id, agent_id, branch_id) WHERE e.key <> b.key + e.idx')).toBe(0)
      expect(pluck('SELECT COUNT(*) FROM stack_entries')).toBeGreaterThan(0)
      const { stacks, artifacts } = storage
      const old = stacks.getConversation('fixture-generated-2')
      expect(stacks.getConversation(old.id).name).toBe('fixture-generated-2')
      // A new conversation: its id names its seq, so the partial index is not written.
      const before = pluck('SELECT COUNT(*) FROM conversations INDEXED BY conversations_other_id WHERE id = id AND ' + idNotDerived())
      const c = stacks.createConversation({ name: 'after 015', rootAgent: 'agent_alpha' })
      expect(seqNamedBy(c.id)).toBe(pluck('SELECT MAX(seq) FROM conversations'))
      expect(pluck('SELECT COUNT(*) FROM conversations INDEXED BY conversations_other_id WHERE id = id AND ' + idNotDerived())).toBe(before)
      const ref = stacks.push(c.id, c.rootAgent, [{ kind: 'user_message', text: 'after 015' }]).entries[0]!.ref
      const side = stacks.fork(c.id, c.rootAgent, undefined, 0).branch
      stacks.push(c.id, c.rootAgent, [{ kind: 'user_message', text: 'on the side' }], { branch: side })
      expect(artifacts.get(ref).header.sessionId).toBe(c.id)
      expect(stacks.listBranches(c.id, c.rootAgent).map((b) => [b.branch, b.length])).toEqual([['main', 1], [side, 2]])
      // An old conversation gets its next stack number after the ones it has.
      stacks.push(old.id, asAgentId('third'), [{ kind: 'user_message', text: 'third agent' }])
      expect(pluck("SELECT (key >> 20) & 65535 FROM stack_branches WHERE conversation_id = ? AND agent_id = 'third'", old.id)).toBe(3)
      expect(stacks.agentsOf(old.id)).toEqual(['agent_alpha', 'helper', 'third'])
    })
  })

  it('016 keeps every read of a v15 database the same; a model call whose metrics imply its header stores an empty one', () => {
    withMigratedFixture('v15', (store, storage) => {
      const db = store.db
      // Rows written before keep their header JSON; nothing was rewritten.
      expect(db.prepare("SELECT COUNT(*) FROM stack_entries WHERE call_header = ''").pluck().get()).toBe(0)
      expect(db.prepare('SELECT COUNT(*) FROM stack_entries WHERE call_header IS NOT NULL').pluck().get()).toBeGreaterThan(0)
      const { stacks, artifacts } = storage
      const c = stacks.getConversation('fixture-tools')
      const payload = { model: 'local/scripted', provider: 'local', promptTokens: 1, completionTokens: 1, costUsd: 0, latencyMs: 1, offline: true, replayed: false }
      const tags = ['model_call', 'local/scripted', 'offline']
      stacks.push(c.id, c.rootAgent, [{ kind: 'assistant_message', content: 'after 016' }], { modelCall: { payload, tags } })
      expect(db.prepare("SELECT COUNT(*) FROM stack_entries WHERE call_header = ''").pluck().get()).toBe(1)
      const ref = db.prepare("SELECT call_ref FROM stack_entries WHERE call_header = ''").pluck().get() as string
      expect([artifacts.get(ref).header.tags, artifacts.get(ref).payload]).toEqual([tags, payload])
      expect(artifacts.query({ sessionId: c.id, type: 'metrics', tag: 'offline' }).map((h) => h.ref)).toContain(ref)
      expect(db.prepare('SELECT header FROM all_artifacts WHERE ref = ?').pluck().get(ref)).toBe(JSON.stringify({ schemaVersion: 1, tags, parentRefs: [], provenance: {}, meta: {} }))
    })
  })

  it('017 keeps every read of a v16 database the same; forks are found through their index, main branches write none', () => {
    withMigratedFixture('v16', (store, storage) => {
      const db = store.db
      const indexed = () => db.prepare("SELECT COUNT(*) FROM stack_branches INDEXED BY stack_branches_forks WHERE conversation_id = conversation_id AND parent_branch IS NOT NULL").pluck().get() as number
      // Every fork of the fixture is in the index; no main branch is.
      expect(indexed()).toBe(db.prepare("SELECT COUNT(*) FROM stack_branches WHERE branch_id <> 'main'").pluck().get())
      expect(indexed()).toBeGreaterThan(0)
      const { stacks } = storage
      const c = stacks.createConversation({ name: 'after 017', rootAgent: 'agent_alpha' })
      stacks.push(c.id, c.rootAgent, [{ kind: 'user_message', text: 'one' }])
      const before = indexed()
      stacks.push(c.id, asAgentId('helper'), [{ kind: 'user_message', text: 'a main branch of another agent' }])
      expect(indexed()).toBe(before)
      const side = stacks.fork(c.id, c.rootAgent, undefined, 0).branch
      expect(indexed()).toBe(before + 1)
      // A fork's lookup and its children's read the index, not the conversation's range.
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x', 'a', 'b') as { detail: string }[]).map((p) => p.detail).join('\n')
      const st = prepareStackStatements(db)
      expect(plan(st.fork.source)).toMatch(/SEARCH b USING INDEX stack_branches_forks \(conversation_id=\? AND agent_id=\? AND branch_id=\?\)/)
      expect(plan(st.children.source)).toMatch(/SEARCH b USING INDEX stack_branches_forks \(conversation_id=\? AND agent_id=\?\)/)
      stacks.push(c.id, c.rootAgent, [{ kind: 'user_message', text: 'on the side' }], { branch: side })
      const child = stacks.fork(c.id, c.rootAgent, side, 1).branch
      stacks.rewind(c.id, c.rootAgent, side, 0)
      expect(stacks.listBranches(c.id, c.rootAgent).map((b) => [b.branch, b.parent, b.length])).toEqual([['main', null, 1], [side, 'main', 1], [child, side, 2]])
      // SQLite itself refuses a second fork row with the same triple.
      expect(() => db.prepare(`INSERT INTO stack_branches (key, conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at)
        SELECT key + 1048576 * 100, conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at FROM stack_branches WHERE branch_id = ?`).run(side)).toThrow(/UNIQUE/)
    })
  })

  const fixtures = readdirSync(FIXTURES).filter((f) => /^v\d+\.sql$/.test(f))
  it('have one committed fixture per past schema version', () => {
    expect(fixtures.map((f) => Number(f.slice(1, -4))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: CURRENT_SCHEMA_VERSION - 1 }, (_, i) => i + 1),
    )
  })

  for (const fixture of fixtures) {
    it(`open fixture ${fixture} and migrate it to the current version, keeping its rows`, () => {
      const version = Number(fixture.slice(1, -4))
      const file = join(dir, fixture.replace('.sql', '.db'))
      const db = new Database(file)
      db.exec(readFileSync(join(FIXTURES, fixture), 'utf8'))
      expect(db.pragma('user_version', { simple: true })).toBe(version)
      db.close()
      const before = ledgerRows(file)
      expect((before[0] as unknown[]).length).toBeGreaterThan(0)
      checkStacksWork(file)
      expect(ledgerRows(file)).toEqual(before)
      if (version >= 2) {
        const store = openStore(file)
        const { artifacts } = createStackStorage(store)
        expect(artifacts.query({ type: 'ledger_event' }).map((h) => [h.sessionId, h.tags])).toEqual([['ledger:p2engine', ['transfer_executed']]])
        store.close()
      }
      if (version >= 5) {
        const store = openStore(file)
        const r = new SqliteRolloutStore(store).get('ro_fixture')
        expect([r.status, r.runner, rolloutState(r)]).toEqual(['running', null, 'interrupted'])
        // Migration 011: the worker column exists and is empty for rows from before it.
        expect(new SqliteRolloutStore(store).variants('ro_fixture').map((v) => v.worker ?? null)).toEqual([null])
        store.close()
      }
      if (version >= 11) {
        // Migration 012: a recording from before it names no conversation (bundles take it by time).
        const store = openStore(file)
        expect(store.db.prepare('SELECT hash, ordinal, conversation_id FROM model_recordings').all()).toEqual([{ hash: 'a'.repeat(64), ordinal: 0, conversation_id: null }])
        store.close()
      }
    })
  }
})
