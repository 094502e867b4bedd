import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { discoverCanton, installHint } from './discover'
import { CantonSandbox, cleanupOrphan, sandboxArgs, stopRecordedSandbox, type SandboxStatus } from './manager'
import { isAlive, readState, writeState } from './state'

const STAND_IN = fileURLToPath(new URL('./testing/canton', import.meta.url))
const sandboxes: CantonSandbox[] = []
afterEach(async () => { for (const s of sandboxes.splice(0)) await s.stop() })

function setup(mode = 'ok') {
  const home = mkdtempSync(join(tmpdir(), 'p2e-canton-'))
  const darPath = join(home, 'model.dar')
  writeFileSync(darPath, 'dar')
  const env = { ...process.env, STANDIN_MODE: mode, STANDIN_MARKER: join(home, 'crashed'), STANDIN_ARGS_LOG: join(home, 'args.log') }
  const events: SandboxStatus['phase'][] = []
  const make = (extra: Partial<ConstructorParameters<typeof CantonSandbox>[0]> = {}) => {
    const s = new CantonSandbox({ install: { kind: 'canton', bin: STAND_IN, source: 'CANTON_BIN' }, home, darPath, env, restartBaseMs: 10, ...extra })
    s.on('status', (st) => events.push(st.phase))
    sandboxes.push(s)
    return s
  }
  return { home, darPath, env, events, make }
}

describe('CantonSandbox with a stand-in executable', () => {
  it('starts on free loopback ports, waits for ready, records state and logs, and stops cleanly', async () => {
    const { home, darPath, events, make } = setup()
    const ready: string[] = []
    const sb = make({ onReady: async (s) => { ready.push(s.jsonApiUrl) } })
    const state = await sb.start()
    expect(state).toMatchObject({ schemaVersion: 1, lifetime: 'owned', ownerPid: process.pid, darPath, jsonApiUrl: `http://127.0.0.1:${state.ports.jsonApi}` })
    expect(ready).toEqual([state.jsonApiUrl])
    expect(readState(home)).toEqual(state)
    expect(readFileSync(join(home, 'logs', 'canton.log'), 'utf8')).toContain('Canton sandbox is ready.')
    const args = JSON.parse(readFileSync(join(home, 'args.log'), 'utf8').trim()) as string[]
    expect(args).toEqual(sandboxArgs('canton', state.ports, darPath))
    expect(new Set(Object.values(state.ports)).size).toBe(6)
    expect(sb.status()).toMatchObject({ phase: 'ready', pid: state.pid })
    await expect(make().start()).rejects.toMatchObject({ code: 'SANDBOX_RUNNING' })
    await sb.stop()
    expect(isAlive(state.pid)).toBe(false)
    expect(readState(home)).toBeUndefined()
    expect(events).toEqual(['starting', 'ready', 'stopping', 'stopped'])
  })

  it('restarts with backoff when the sandbox dies, and runs onReady again', async () => {
    const { home, events, make } = setup('crash-once')
    let readies = 0
    const sb = make({ onReady: async () => { readies++ } })
    const first = await sb.start()
    const restarted = await new Promise<SandboxStatus>((resolve) => sb.on('status', (s) => s.phase === 'ready' && resolve(s)))
    expect(restarted.restarts).toBe(1)
    expect(restarted.pid).not.toBe(first.pid)
    expect(readies).toBe(2)
    expect(events).toEqual(['starting', 'ready', 'restarting', 'starting', 'ready'])
    expect(readState(home)?.pid).toBe(restarted.pid)
  })

  it('fails clearly when the sandbox exits before it is ready', async () => {
    const { home, events, make } = setup('exit-early')
    await expect(make().start()).rejects.toMatchObject({ name: 'LedgerError', code: 'SANDBOX_START', message: expect.stringContaining('exited with code 1 before it was ready') })
    expect(events).toEqual(['starting', 'failed'])
    expect(readState(home)).toBeUndefined()
  })

  it('gives up when the sandbox never becomes ready, and kills it', async () => {
    const { make } = setup('never-ready')
    const sb = make({ readyTimeoutMs: 300 })
    await expect(sb.start()).rejects.toMatchObject({ code: 'SANDBOX_TIMEOUT' })
    expect(sb.status().phase).toBe('failed')
  })

  it('a daemon sandbox outlives its starter and is stopped from its state file', async () => {
    const { home, make } = setup()
    const state = await make({ lifetime: 'daemon' }).start()
    sandboxes.pop()
    expect(await stopRecordedSandbox(home)).toEqual(state)
    expect(isAlive(state.pid)).toBe(false)
  })

  it('kills the sandbox of an owner that died (app crash) on the next start or status', async () => {
    const { home, make } = setup()
    // The supervisor (this process) stays registered for afterEach: it restarts the killed
    // sandbox, and that restart must be stopped too.
    const owned = await make().start()
    writeState(home, { ...owned, ownerPid: 2 ** 22 + 12345 }) // an owner that no longer exists
    cleanupOrphan(home)
    expect(readState(home)).toBeUndefined()
    await new Promise((r) => setTimeout(r, 200))
    expect(isAlive(owned.pid)).toBe(false)
  })
})

describe('discoverCanton', () => {
  it('honours CANTON_BIN, CANTON_HOME, then canton or dpm on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-disc-'))
    expect(discoverCanton({ PATH: dir })).toBeUndefined()
    expect(discoverCanton({ CANTON_BIN: STAND_IN, PATH: '' })).toEqual({ kind: 'canton', bin: STAND_IN, source: 'CANTON_BIN' })
    expect(discoverCanton({ CANTON_BIN: join(dir, 'missing'), PATH: '' })).toBeUndefined()
    writeFileSync(join(dir, 'dpm'), '#!/bin/sh\n', { mode: 0o755 })
    expect(discoverCanton({ PATH: dir })).toEqual({ kind: 'dpm', bin: join(dir, 'dpm'), source: 'PATH' })
    expect(sandboxArgs('dpm', { ledgerApi: 1, admin: 2, jsonApi: 3, sequencerPublic: 4, sequencerAdmin: 5, mediatorAdmin: 6 }, 'm.dar').slice(0, 3)).toEqual(['sandbox', '--port', '1'])
    expect(installHint('canton')).toContain('CANTON_HOME')
    expect(installHint('java', 11)).toContain('found Java 11')
    expect(existsSync(STAND_IN)).toBe(true)
  })
})
