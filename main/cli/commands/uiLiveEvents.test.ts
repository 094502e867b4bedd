import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { WS_PATH, type RolloutProgress } from '../../../preload/contract'
import { hasRedisServer, startRedis, type RedisServer } from '../../scaleout/testing/redisServer'
import type { WebHost } from '../../web/server'
import { CliContext } from '../context'
import { cliCommand } from './cliTestKit'
import { runUi } from './ui'

const REPO = join(import.meta.dirname, '..', '..', '..')
const PROBE = join(REPO, 'main', 'scaleout', 'testing', 'eventProbe.ts')

interface Frame { type: string; id?: number; name?: string; payload?: unknown; result?: { ok: boolean; data?: unknown } }

/**
 * Two processes on one P2ENGINE_HOME and one real redis-server: `p2engine ui` here (its browser
 * socket is what a window sees), and `p2engine rollout start` / an event probe in child processes.
 */
describe.skipIf(!hasRedisServer())('live events across processes (issue 14)', () => {
  let redis: RedisServer
  let dir: string
  let host: WebHost
  let ws: WebSocket
  let release: () => void
  let running: Promise<WebHost>
  let ctx: CliContext
  const frames: Frame[] = []
  const env = () => ({ P2ENGINE_HOME: join(dir, 'home'), OPENAI_API_KEY: '', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', DOTENV_PATH: join(dir, 'empty.env') })

  beforeAll(async () => {
    redis = await startRedis()
    dir = mkdtempSync(join(tmpdir(), 'p2e-live-'))
    cpSync(join(REPO, 'config'), join(dir, 'config'), { recursive: true })
    writeFileSync(join(dir, 'empty.env'), '')
    const rendererDir = join(dir, 'renderer')
    mkdirSync(rendererDir)
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>')
    // `p2engine ui` with REDIS_URL set (env, the way a user runs it).
    ctx = new CliContext({ config: join(dir, 'config') }, { out: () => {}, err: () => {} }, { ...env(), REDIS_URL: redis.url })
    const stop = new Promise<void>((r) => (release = r))
    let ready!: Promise<void>
    const listening = new Promise<void>((resolve) => {
      running = runUi(ctx, { open: false }, { stop, rendererDir, onListening: (h, liveReady) => { host = h; ready = liveReady; resolve() } })
    })
    await listening
    await ready
    ws = new WebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}?token=${host.token}`)
    ws.on('message', (raw) => frames.push(JSON.parse(String(raw)) as Frame))
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j) })
  }, 10_000)

  afterAll(async () => {
    ws?.close()
    release?.()
    await running
    await ctx?.close()
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const invoke = async (id: number, channel: string, input: unknown): Promise<Frame['result']> => {
    ws.send(JSON.stringify({ type: 'invoke', id, channel, input }))
    await expect.poll(() => frames.some((f) => f.type === 'result' && f.id === id)).toBe(true)
    return frames.find((f) => f.type === 'result' && f.id === id)!.result
  }

  it('a transfer made in the UI reaches another process once, and the UI sees it once (no echo)', async () => {
    const probe: ChildProcess = spawn(process.execPath, ['--import', 'tsx', PROBE, redis.url, 'p2engine'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines: string[] = []
    createInterface({ input: probe.stdout! }).on('line', (l) => lines.push(l))
    try {
      await expect.poll(() => lines.includes('ready'), { timeout: 8000 }).toBe(true)
      const r = await invoke(1, 'ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: '2.5', reason: 'live test' })
      expect(r).toMatchObject({ ok: true })
      await expect.poll(() => lines.filter((l) => l.includes('"ledger:transferred"')).length, { timeout: 3000 }).toBe(1)
      expect(JSON.parse(lines.find((l) => l.includes('"ledger:transferred"'))!)).toMatchObject({ name: 'ledger:transferred', payload: { from: 'agent_alpha', to: 'agent_beta', amount: '2.5', reason: 'live test' } })
      await new Promise((res) => setTimeout(res, 300))
      expect(lines.filter((l) => l.includes('"ledger:transferred"')).length).toBe(1)
      expect(frames.filter((f) => f.name === 'ledger:transferred').length).toBe(1)
    } finally {
      probe.stdin!.end()
      if (probe.exitCode === null) await new Promise((res) => probe.once('exit', res))
    }
  })

  it('a rollout started from another terminal shows up live: every progress event once, in order, ending done', async () => {
    const [node, ...cli] = cliCommand(REPO)
    const child = spawn(node!, [...cli, '--config', join(dir, 'config'), 'rollout', 'start', join(dir, 'config', 'rollout_task_with_payment.yml'), '--parallel', '1', '--local', '--json'], {
      cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env(), REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout!.on('data', (d) => (out += String(d)))
    child.stderr!.on('data', (d) => (err += String(d)))
    const code = await new Promise<number | null>((res) => child.once('exit', res))
    expect([code, err]).toEqual([0, ''])
    const id = (JSON.parse(out) as { rollout: { id: string } }).rollout.id
    const mine = () => frames.filter((f) => f.name === 'rollouts:progressed').map((f) => f.payload as RolloutProgress).filter((p) => p.rolloutId === id)
    await expect.poll(() => mine().some((p) => p.variant === null && p.status === 'done'), { timeout: 3000 }).toBe(true)
    await new Promise((res) => setTimeout(res, 300))
    const events = mine()
    // Rollout-level: one when it started, one when it ended.
    expect(events.filter((p) => p.variant === null).map((p) => [p.status, p.counts])).toEqual([
      ['running', { queued: 2, running: 0, done: 0, failed: 0 }],
      ['done', { queued: 0, running: 0, done: 2, failed: 0 }],
    ])
    expect(events[0]!.variant).toBeNull()
    expect(events.at(-1)!.variant).toBeNull()
    // Per variant: handed over, then (when the variant's own phase message comes before it settles:
    // an offline variant is quick) running and judging, then done with its score; each phase once, in order.
    const order: string[] = ['starting', 'running', 'judging', 'done']
    for (const variantId of ['service_payment', 'weather_provider']) {
      const phases = events.filter((p) => p.variant?.variantId === variantId).map((p) => String(p.variant!.phase))
      expect(phases).toEqual(order.filter((x) => phases.includes(x)))
      expect([phases[0], phases.at(-1)]).toEqual(['starting', 'done'])
      expect(events.find((p) => p.variant?.variantId === variantId && p.variant.status === 'done')!.variant).toMatchObject({ score: 1 })
    }
    // The rollout's payment (agent_alpha → agent_helper, made by the CLI's ledger) reached the UI once too.
    const paid = frames.filter((f) => f.name === 'ledger:transferred').map((f) => f.payload as { from: string; to: string; amount: string })
    expect(paid.filter((p) => p.to === 'agent_helper')).toEqual([expect.objectContaining({ from: 'agent_alpha', to: 'agent_helper' })])
    // The UI's list (what the renderer re-fetches on an unknown rollout) has it, as stored by the other process.
    expect(await invoke(2, 'rollouts:list', {})).toMatchObject({ ok: true, data: expect.arrayContaining([expect.objectContaining({ id, status: 'done' })]) })
  }, 30_000) // a real CLI process (through tsx when not built) runs a 2-variant rollout

  it('a chat in another terminal streams into the UI: its entries arrive, each once', async () => {
    const [node, ...cli] = cliCommand(REPO)
    const child = spawn(node!, [...cli, '--config', join(dir, 'config'), 'chat', 'with', 'agent_alpha', '--name', 'remote-chat'], {
      cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env(), REDIS_URL: redis.url }, stdio: ['pipe', 'pipe', 'inherit'],
    })
    const lines: string[] = []
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l))
    const entries = () => frames.filter((f) => f.name === 'chat:entry').map((f) => f.payload as { message: { role: string; text?: string; content?: string } })
    const said = (text: string) => entries().filter((e) => JSON.stringify(e.message).includes(text)).length
    try {
      await expect.poll(() => lines.some((l) => l.startsWith('Entering chat with agent_alpha')), { timeout: 8000 }).toBe(true)
      // Events before the publisher has connected (the first milliseconds) are not shared: say
      // something until the UI hears it, then check the next message arrives exactly once.
      let n = 0
      await expect.poll(() => {
        child.stdin!.write(`warm up ${++n}\n`)
        return entries().length
      }, { timeout: 8000, interval: 400 }).toBeGreaterThan(0)
      child.stdin!.write('hello from the other terminal\n')
      await expect.poll(() => said('hello from the other terminal'), { timeout: 5000 }).toBeGreaterThanOrEqual(1)
      await new Promise((res) => setTimeout(res, 300))
      // The user's message, and the canned reply that quotes it: one event each.
      expect(said('hello from the other terminal')).toBe(2)
      expect(frames.some((f) => f.name === 'chat:answered')).toBe(true)
    } finally {
      child.stdin!.end('exit\n')
      if (child.exitCode === null) await new Promise((res) => child.once('exit', res))
    }
  }, 30_000) // a real CLI process
})
