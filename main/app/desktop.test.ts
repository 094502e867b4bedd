import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { invokeChannels } from '../../preload/contract'
import { EventBus } from '../ipc/eventBus'
import { makeTestServices } from '../ipc/fixtures'

type Listener = (...args: any[]) => unknown

const h = vi.hoisted(() => {
  const ipcHandlers = new Map<string, (event: unknown, input: unknown) => unknown>()
  const appListeners = new Map<string, ((...a: any[]) => unknown)[]>()
  const windows: any[] = []
  const permissionHandlers: { request?: (...a: any[]) => void; check?: (...a: any[]) => boolean } = {}
  class FakeWebContents {
    listeners = new Map<string, ((...a: any[]) => unknown)[]>()
    sent: unknown[] = []
    openHandler?: (d: { url: string }) => unknown
    on(name: string, fn: (...a: any[]) => unknown) { this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]) }
    setWindowOpenHandler(fn: (d: { url: string }) => unknown) { this.openHandler = fn }
    send(channel: string, msg: unknown) { this.sent.push([channel, msg]) }
    isDestroyed() { return false }
  }
  class FakeBrowserWindow {
    webContents = new FakeWebContents()
    loaded?: string
    constructor(readonly options: any) { windows.push(this) }
    once() {}
    loadFile(f: string) { this.loaded = f; return Promise.resolve() }
    loadURL(u: string) { this.loaded = u; return Promise.resolve() }
    isDestroyed() { return false }
    static getAllWindows() { return windows }
  }
  return { ipcHandlers, appListeners, windows, permissionHandlers, FakeBrowserWindow, FakeWebContents }
})

vi.mock('electron', () => ({
  app: {
    isPackaged: false,
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/app',
    on: (name: string, fn: Listener) => h.appListeners.set(name, [...(h.appListeners.get(name) ?? []), fn]),
  },
  BrowserWindow: h.FakeBrowserWindow,
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, input: unknown) => unknown) => {
      if (h.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`)
      h.ipcHandlers.set(channel, fn)
    },
    removeHandler: (channel: string) => h.ipcHandlers.delete(channel),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: any) => { h.permissionHandlers.request = fn },
      setPermissionCheckHandler: (fn: any) => { h.permissionHandlers.check = fn },
      webRequest: { onHeadersReceived: vi.fn() },
    },
  },
  shell: { openExternal: vi.fn() },
  dialog: {
    showErrorBox: vi.fn(),
    showSaveDialog: vi.fn(async (_w: unknown, o: { defaultPath: string }) => ({ canceled: false, filePath: `/home/u/${o.defaultPath}` })),
    showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
  },
}))

const { startDesktopApp, preloadTarget } = await import('./desktop')

const mainDir = '/opt/p2engine/out/main'
const rendererUrl = pathToFileURL(join(mainDir, '../renderer/index.html')).href

async function start() {
  const services = await makeTestServices('electron')
  const bus = new EventBus()
  const handle = await startDesktopApp({
    mainDir,
    env: {},
    createRuntime: () => ({ services, bus, store: undefined as never, engine: services.engine!, close: services.close }),
  })
  return handle!
}

afterEach(async () => {
  h.ipcHandlers.clear()
  h.appListeners.clear()
  h.windows.length = 0
})

describe('desktop app', () => {
  it('opens one window with the secure webPreferences and loads the built renderer', async () => {
    const handle = await start()
    expect(h.windows).toHaveLength(1)
    expect(h.windows[0].options.webPreferences).toEqual({
      preload: join(mainDir, '../preload/index.mjs'),
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    })
    expect(h.windows[0].loaded).toBe(join(mainDir, '../renderer/index.html'))
    await handle.shutdown()
  })

  it('runs the preload sandboxed when a CommonJS build exists', () => {
    expect(preloadTarget(mainDir, (p) => p.endsWith('index.cjs'))).toEqual({ path: join(mainDir, '../preload/index.cjs'), sandbox: true })
  })

  it('registers exactly the contract channels and answers a trusted frame', async () => {
    const handle = await start()
    expect([...h.ipcHandlers.keys()].sort()).toEqual([...invokeChannels].sort())
    const call = h.ipcHandlers.get('ledger:wallets')!
    const result = (await call({ senderFrame: { url: rendererUrl + '#/wallets' } }, {})) as { ok: boolean; data: { agent: string }[] }
    expect(result.ok).toBe(true)
    expect(result.data.map((w) => w.agent)).toEqual(['agent_alpha', 'agent_beta'])
    await handle.shutdown()
    expect(h.ipcHandlers.size).toBe(0)
  })

  it('bundles:choosePath opens the native save and open dialogs on the window (cancel is null)', async () => {
    const handle = await start()
    const choose = h.ipcHandlers.get('bundles:choosePath')!
    const frame = { senderFrame: { url: rendererUrl } }
    expect(await choose(frame, { mode: 'save', defaultName: 'trip.p2bundle' })).toEqual({ ok: true, data: { path: '/home/u/trip.p2bundle' } })
    expect(await choose(frame, { mode: 'open' })).toEqual({ ok: true, data: { path: null } })
    await handle.shutdown()
  })

  it('refuses IPC from a foreign frame without running the handler', async () => {
    const handle = await start()
    const transfer = h.ipcHandlers.get('ledger:transfer')!
    const input = { from: 'agent_alpha', to: 'agent_beta', amount: '10' }
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', undefined]) {
      expect(await transfer({ senderFrame: url ? { url } : null }, input)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'ledger:transfer refused: the sender is not the P2Engine window' },
      })
    }
    expect((await handle.runtime.services.ledger.getWallet('agent_alpha'))!.balance).toBe('100.0')
    await handle.shutdown()
  })

  it('denies permissions, blocks navigation and new windows, forwards events', async () => {
    const handle = await start()
    const decide = vi.fn()
    h.permissionHandlers.request!(null, 'media', decide)
    expect(decide).toHaveBeenCalledWith(false)
    expect(h.permissionHandlers.check!()).toBe(false)

    const contents = new h.FakeWebContents()
    for (const fn of h.appListeners.get('web-contents-created')!) fn({}, contents)
    const nav = { preventDefault: vi.fn() }
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) contents.listeners.get(name)![0]!(nav)
    expect(nav.preventDefault).toHaveBeenCalledTimes(3)
    expect(contents.openHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' })
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })

    await h.ipcHandlers.get('ledger:transfer')!({ senderFrame: { url: rendererUrl } }, { from: 'agent_alpha', to: 'agent_beta', amount: '10' })
    expect(h.windows[0].webContents.sent).toEqual([
      ['p2engine:event', { name: 'ledger:transferred', payload: expect.objectContaining({ from: 'agent_alpha', to: 'agent_beta', amount: '10' }) }],
    ])
    await handle.shutdown()
  })

  it('holds quit until the runtime is closed', async () => {
    const handle = await start()
    const close = vi.spyOn(handle.runtime, 'close')
    const event = { preventDefault: vi.fn() }
    h.appListeners.get('before-quit')![0]!(event)
    expect(event.preventDefault).toHaveBeenCalled()
    await handle.shutdown()
    expect(close).toHaveBeenCalledTimes(1)
  })
})
