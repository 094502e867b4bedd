import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importVariantResult } from '../bundles/importVariant'
import { buildBundle } from '../bundles/service'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import type { VariantMetrics } from '../engine/rollouts/types'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { openStore } from '../storage/sqliteStore'
import { createStackStorage } from '../storage/stacks/create'
import { buildConfigSnapshot, materialiseSnapshot } from './configSnapshot'
import { parseJobBody, parseSharedSnapshot, splitJobVariantId } from './variantJob'

const temp = () => mkdtempSync(join(tmpdir(), 'p2job-'))

describe('what a variant job carries', () => {
  it('the config snapshot holds the config files, custom tools byte for byte and the spec, never .env; a worker writes it once', () => {
    const snap = buildConfigSnapshot(SHIPPED_CONFIG, join(SHIPPED_CONFIG, 'rollout_joke.yml'), [])
    expect(Object.keys(snap.text)).toEqual(expect.arrayContaining(['agents.yml', 'config.json', 'rollout_joke.yml', 'templates/system_message.j2']))
    expect(Object.keys(snap.base64)).toContain('tools/search_database.mjs')
    expect([...Object.keys(snap.text), ...Object.keys(snap.base64)].filter((p) => p.includes('.env'))).toEqual([])
    const root = temp()
    const dir = materialiseSnapshot(root, 'ro_1:t/v', snap)
    expect(readFileSync(join(dir, 'tools/search_database.mjs'))).toEqual(readFileSync(join(SHIPPED_CONFIG, 'tools/search_database.mjs')))
    expect(readFileSync(join(dir, 'agents.yml'), 'utf8')).toBe(snap.text['agents.yml'])
    expect(materialiseSnapshot(root, 'ro_1:t/v2', snap)).toBe(dir)
  })

  it('refuses paths that leave the folder and malformed bodies with one line naming the job', () => {
    const root = temp()
    expect(() => materialiseSnapshot(root, 'ro_1:t/v', { text: { '../escape.yml': 'x' }, base64: {} })).toThrow('job ro_1:t/v: config file path "../escape.yml" is not a plain relative path')
    expect(() => materialiseSnapshot(root, 'ro_1:t/v', { text: {}, base64: { '/etc/passwd': '' } })).toThrow('is not a plain relative path')
    expect(existsSync(join(root, '..', 'escape.yml'))).toBe(false)
    expect(() => parseJobBody('ro_1:t/v', { v: 1 })).toThrow(/^job ro_1:t\/v: bad body: specFile: /)
    const body = { v: 1, specFile: 's.yml', source: {}, variant: { teamId: 't', id: 'v', index: 0 }, options: { parallel: 1, taskTimeoutMs: 1000, replay: false, strictTools: false }, ledger: { enabled: false, backend: 'embedded' }, modelMode: 'record', enqueuedAt: 1 }
    expect(() => parseJobBody('ro_1:t/v', body)).toThrow('job ro_1:t/v: bad body: config: expected either config or configRef')
    expect(() => parseJobBody('ro_1:t/v', { ...body, config: { text: {}, base64: {} }, configRef: 'a'.repeat(64) })).toThrow('job ro_1:t/v: bad body: config: expected either config or configRef')
    expect(parseJobBody('ro_1:t/v', { ...body, configRef: 'a'.repeat(64) }).configRef).toBe('a'.repeat(64))
    expect(() => parseSharedSnapshot('ro_1:t/v', 'a'.repeat(64), undefined)).toThrow('job ro_1:t/v: its config snapshot aaaaaaaaaaaa is no longer in Redis (expired)')
    expect(() => parseSharedSnapshot('ro_1:t/v', 'a'.repeat(64), '{"text":1}')).toThrow(/^job ro_1:t\/v: bad config snapshot aaaaaaaaaaaa: text: /)
    expect(() => splitJobVariantId('ro_1:v', 'v')).toThrow('job ro_1:v: variant id "v" is not team/variant')
    expect(splitJobVariantId('ro_1:t/a/b', 't/a/b')).toEqual({ team: 't', variantId: 'a/b' })
  })
})

describe('a remote variant result imported by the coordinator', () => {
  it('imports the conversation and marks the row done with the worker, once: a second arrival changes nothing', async () => {
    const cid = 'rollout:ro_x:team:v1'
    // The worker's home: the variant's conversation.
    const workerHome = temp()
    const ws = openStore(join(workerHome, 'p2engine.db'))
    const { stacks } = createStackStorage(ws)
    stacks.createConversation({ id: cid, name: cid, rootAgent: 'agent_alpha' })
    stacks.push(cid as never, 'agent_alpha' as never, [{ kind: 'user_message', text: 'tell a joke' }, { kind: 'assistant_message', content: 'a joke' }])
    const bundle = (await buildBundle({ store: ws, home: workerHome }, { conversations: [cid] })).bytes
    ws.close()
    // The coordinator's home: the rollout with the variant still queued.
    const home = temp()
    const store = openStore(join(home, 'p2engine.db'))
    const repo = new SqliteRolloutStore(store)
    repo.create({ id: 'ro_x', specFile: 's.yml', spec: { source: {}, variants: [{ teamId: 'team', id: 'v1', index: 0, position: 0, agentId: 'agent_alpha', initialMessage: 'tell a joke', overrides: {} } as never], options: { parallel: 1, strictTools: false, replay: false, taskTimeoutMs: 1000 } }, ledgerBefore: null })
    const metrics = { conversationId: cid, scores: [], score: 0.5 } as unknown as VariantMetrics
    const result = { rolloutId: 'ro_x', team: 'team', variantId: 'v1', worker: 'w9', status: 'done' as const, error: null, metrics, conversationId: cid, bundle, startedAt: 1, finishedAt: 2, label: 'job ro_x:team/v1' }
    expect(await importVariantResult({ store, home }, result)).toBe(true)
    const row = repo.variant('ro_x', 'team', 'v1')
    expect([row.status, row.worker, row.conversationId, row.metrics?.score]).toEqual(['done', 'w9', cid, 0.5])
    expect(createStackStorage(store).stacks.read(cid as never, 'agent_alpha' as never).map((e) => e.state.kind)).toEqual(['user_message', 'assistant_message'])
    const counts = () => store.db.prepare('SELECT (SELECT COUNT(*) FROM stack_entries) || \'/\' || (SELECT COUNT(*) FROM conversations)').pluck().get()
    const before = counts()
    expect(await importVariantResult({ store, home }, { ...result, worker: 'w8' })).toBe(false)
    expect([counts(), repo.variant('ro_x', 'team', 'v1').worker]).toEqual([before, 'w9'])
    store.close()
  })
})
