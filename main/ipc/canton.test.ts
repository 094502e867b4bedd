import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { contract, type Envelope, type EventPayload, type InvokeChannel, type InvokeInput, type InvokeOutput } from '../../preload/contract'
import { CantonService } from '../app/canton/cantonService'
import { CANTON_PINS } from '../ledger/canton/install/pins'
import { serveRelease, sha256Of, standInRelease } from '../ledger/canton/install/testing/standInRelease'
import { installHint } from '../ledger/canton/sandbox/discover'
import { isAlive } from '../ledger/canton/sandbox/state'
import { cantonHandlers } from './canton'
import { EventBus } from './eventBus'
import { testConfig } from './fixtures'
import { MapTransport, registerHandlers } from './register'
import type { AppServices } from './services'

/** A typed call through the transport. */
const typed = (t: MapTransport) => <C extends InvokeChannel>(c: C, input: InvokeInput<C>) => t.invoke(c, input) as Promise<Envelope<InvokeOutput<C>>>

const STAND_IN = fileURLToPath(new URL('../ledger/canton/sandbox/testing/canton', import.meta.url))
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const setupServices = new Map<string, AppServices>()

/** The canton handlers on a temp home; `env` decides whether Canton is found. */
function setup(env: NodeJS.ProcessEnv) {
  const home = mkdtempSync(join(tmpdir(), 'p2e-ipc-canton-'))
  const services: AppServices = { config: testConfig(home), ledger: {} as never, env, app: { name: 'P2Engine', version: '0', host: 'browser' } }
  const bus = new EventBus()
  const phases: EventPayload<'canton:statusChanged'>['phase'][] = []
  bus.on('canton:statusChanged', (s) => phases.push(s.phase))
  const transport = new MapTransport()
  registerHandlers({ invokes: Object.fromEntries(Object.entries(contract.invokes).filter(([k]) => k.startsWith('canton:'))), events: contract.events } as never, cantonHandlers(services, bus), transport)
  cleanups.push(async () => {
    await (services.canton as CantonService | undefined)?.close()
    rmSync(home, { recursive: true, force: true })
  })
  setupServices.set(home, services)
  return { home, transport, phases, bus }
}

const standInEnv = (home: string, dar = join(home, 'model.dar')) => ({ ...process.env, CANTON_BIN: STAND_IN, P2ENGINE_DAR: dar, P2ENGINE_SKIP_JAVA_CHECK: '1' })

describe('canton handlers', () => {
  it('says what to install when Canton is not found, and starts nothing', async () => {
    const { home, transport, phases } = setup({ PATH: '' })
    expect(await typed(transport)('canton:status', {})).toEqual({
      ok: true,
      data: {
        phase: 'stopped', installed: false, install: null, installHint: installHint('canton'), pid: null, jsonApiUrl: null, ports: {}, restarts: 0,
        detail: 'not started', owned: false, backend: 'embedded', savedBackend: 'embedded', logFile: join(home, 'logs', 'canton.log'),
        pinned: { version: CANTON_PINS[0]!.version, url: CANTON_PINS[0]!.url, sha256: CANTON_PINS[0]!.sha256 },
      },
    })
    expect(await typed(transport)('canton:start', {})).toEqual({ ok: false, error: { code: 'CANTON_NOT_FOUND', message: installHint('canton') } })
    expect(await typed(transport)('canton:logs', {})).toEqual({ ok: true, data: { file: join(home, 'logs', 'canton.log'), lines: [], exists: false } })
    expect(phases).toEqual([])
  })

  it('names the build command when the Daml model is not built', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-ipc-canton-nodar-'))
    cleanups.push(async () => rmSync(home, { recursive: true, force: true }))
    const { transport } = setup(standInEnv(home, join(home, 'missing.dar')))
    expect(await typed(transport)('canton:start', {})).toEqual({ ok: false, error: { code: 'DAR_NOT_FOUND', message: expect.stringContaining('sh daml/build.sh') } })
  })

  it('starts the stand-in sandbox on free ports, reports its phases and log, and stops it with no process left', async () => {
    const holder = mkdtempSync(join(tmpdir(), 'p2e-ipc-canton-dar-'))
    cleanups.push(async () => rmSync(holder, { recursive: true, force: true }))
    writeFileSync(join(holder, 'model.dar'), 'dar')
    const { home, transport, phases } = setup(standInEnv(holder))
    const started = await typed(transport)('canton:start', {})
    if (!started.ok) throw new Error(started.error.message)
    const s = started.data
    expect(s).toEqual({
      phase: 'ready', installed: true, install: { kind: 'canton', bin: STAND_IN, source: 'CANTON_BIN' }, installHint: null, pid: expect.any(Number),
      jsonApiUrl: `http://127.0.0.1:${s.ports.jsonApi}`, ports: { ledgerApi: expect.any(Number), admin: expect.any(Number), jsonApi: expect.any(Number), sequencerPublic: expect.any(Number), sequencerAdmin: expect.any(Number), mediatorAdmin: expect.any(Number) },
      restarts: 0, detail: `ready at http://127.0.0.1:${s.ports.jsonApi}`, owned: true, backend: 'embedded', savedBackend: 'embedded', logFile: join(home, 'logs', 'canton.log'),
      pinned: { version: CANTON_PINS[0]!.version, url: CANTON_PINS[0]!.url, sha256: CANTON_PINS[0]!.sha256 },
    })
    expect(isAlive(s.pid!)).toBe(true)
    // A second click while it runs changes nothing.
    expect(await typed(transport)('canton:start', {})).toEqual({ ok: true, data: s })
    const logs = await typed(transport)('canton:logs', { lines: 50 })
    expect(logs.ok && logs.data.lines.some((l) => l.includes('Canton sandbox is ready.'))).toBe(true)
    expect(await typed(transport)('canton:stop', {})).toEqual({ ok: true, data: expect.objectContaining({ phase: 'stopped', pid: null, owned: false }) })
    expect(isAlive(s.pid!)).toBe(false)
    expect(phases).toEqual(['starting', 'ready', 'stopping', 'stopped'])
  })
  it('installs the pinned release from the Ledger panel: progress events, then Canton is found', async () => {
    const body = await standInRelease('9.9.9')
    const served = await serveRelease(body)
    cleanups.push(served.close)
    const { home, transport, bus } = setup({ PATH: '' })
    const progress: string[] = []
    bus.on('canton:installProgress', (s) => progress.push(s.phase))
    expect(await typed(transport)('canton:install', { sha256: 'nope' })).toEqual({ ok: false, error: { code: 'USER_INPUT', message: '--sha256 "nope" is not a SHA-256 digest (expected 64 hexadecimal characters)' } })
    const started = await typed(transport)('canton:install', { version: '9.9.9', url: served.url, sha256: sha256Of(body) })
    expect(started).toEqual({ ok: true, data: expect.objectContaining({ phase: 'downloading', version: '9.9.9', url: served.url }) })
    await (setupServices.get(home)!.canton as CantonService).installer.whenIdle()
    const done = await typed(transport)('canton:installStatus', {})
    expect(done).toEqual({ ok: true, data: expect.objectContaining({ phase: 'done', dir: join(home, 'canton', '9.9.9'), received: body.length, error: null }) })
    expect(progress[0]).toBe('downloading')
    expect(progress.at(-1)).toBe('done')
    expect(await typed(transport)('canton:status', {})).toEqual({ ok: true, data: expect.objectContaining({ installed: true, install: { kind: 'canton', bin: join(home, 'canton', '9.9.9', 'bin', 'canton'), source: 'INSTALLED' } }) })
  })
})
