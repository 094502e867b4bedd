import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { RolloutProgress } from '../../../preload/contract'
import { loadConfig } from '../../engine/config/load'
import { postVariantPhase } from '../../engine/rollouts/phases'
import { variantConversationId } from '../../engine/rollouts/types'
import { CONFIG_DIR } from '../../engine/testing/engineHarness'
import { builtinRegistry } from '../../engine/tools/builtins'
import { sampleMetrics } from '../../ipc/fixtures'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../../storage/sqliteStore'
import { RolloutService } from './rolloutService'

let dir: string
let store: SqliteStore
let service: RolloutService
let progress: RolloutProgress[]
let release: () => void
/** Closing the fake pool fails the task in flight, as piscina's destroy() does. */
let kill: (() => void) | null = null

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-phases-'))
  store = openStore(join(dir, 'p2engine.db'))
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '' }
  const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
  const repo = new SqliteRolloutStore(store)
  progress = []
  let gate = deferred()
  release = () => gate.resolve()
  // A worker that says what it does, like runVariant does from its thread, and waits in each phase.
  service = new RolloutService({
    config, store, ledger: new EmbeddedLedger(store, { party: config.settings.ledger.partyId }), env, toolNames: () => builtinRegistry().names(),
    publish: (p) => progress.push(p),
    pool: () => ({
      async run(task) {
        const at = { rolloutId: task.rolloutId, team: task.team, variantId: task.variantId }
        await sleep(20) // the thread boots
        const cid = variantConversationId(task.rolloutId, task.team, task.variantId)
        repo.markRunning(task.rolloutId, task.team, task.variantId, cid)
        postVariantPhase({ ...at, phase: 'running' })
        await sleep(20)
        postVariantPhase({ ...at, phase: 'judging' })
        await Promise.race([gate.promise, new Promise<never>((_, reject) => { kill = () => reject(new Error('pool destroyed')) })])
        gate = deferred()
        repo.markDone(task.rolloutId, task.team, task.variantId, sampleMetrics(cid, 0.5))
        // A message that arrives after the row settled must not flip the cell back.
        postVariantPhase({ ...at, phase: 'running' })
        return { status: 'done' as const }
      },
      close: async () => { kill?.() },
    }),
  })
})

afterEach(async () => {
  await service.close()
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const YAML = `teams:
  t:
    initial_message: "Weather in Tokyo?"
    base: { agent_id: agent_alpha }
    variants:
      - tools: ["get_weather"]
`

it('pushes starting → running → judging → done for a variant, and the detail shows the live phase', async () => {
  const r = await service.start({ yaml: YAML, fileName: 'phases.yml', parallel: 1 })
  await expect.poll(() => progress.at(-1)?.variant?.phase).toBe('judging')
  expect(service.get(r.id).variants.map((v) => [v.variantId, v.status, v.phase])).toEqual([['v000', 'running', 'judging']])
  release()
  await service.whenIdle()
  await sleep(30)
  expect(progress.map((p) => p.variant && `${p.variant.variantId}:${p.variant.status}:${p.variant.phase}`)).toEqual([
    null, 'v000:running:starting', 'v000:running:running', 'v000:running:judging', 'v000:done:done', null,
  ])
  expect(service.get(r.id).variants.map((v) => v.phase)).toEqual(['done'])
})

it('stop tears the workers down: nothing is failed, the rest stays resumable, and stopping again is a no-op', async () => {
  const r = await service.start({ yaml: YAML.replace('      - tools: ["get_weather"]', '      - tools: ["get_weather"]\n      - tools: ["delegate"]'), fileName: 'stop.yml', parallel: 1 })
  await expect.poll(() => progress.at(-1)?.variant?.phase).toBe('judging')
  const stopped = await service.stop(r.id)
  expect({ status: stopped.status, active: stopped.active, counts: stopped.counts }).toEqual({ status: 'running', active: false, counts: { queued: 1, running: 1, done: 0, failed: 0 } })
  expect(progress.at(-1)).toMatchObject({ rolloutId: r.id, variant: null, status: 'running' })
  expect(await service.stop(r.id)).toEqual(stopped)
  await expect(service.stop('ro_missing')).rejects.toThrow('no rollout "ro_missing"')
})
