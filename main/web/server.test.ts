import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { EventBus } from '../ipc/eventBus'
import { makeTestServices } from '../ipc/fixtures'
import { startWebHost, type WebHost } from './server'

const TOKEN = 'test-token-0123456789'
let host: WebHost | undefined
let cleanup: (() => Promise<void>) | undefined
let dir: string | undefined

afterEach(async () => {
  await host?.close()
  await cleanup?.()
  if (dir) rmSync(dir, { recursive: true, force: true })
  host = cleanup = dir = undefined
})

async function start() {
  dir = mkdtempSync(join(tmpdir(), 'p2e-web-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>P2Engine</title>')
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
  const services = await makeTestServices()
  cleanup = services.close
  host = await startWebHost({ services, bus: new EventBus(), rendererDir: dir, port: 0, token: TOKEN })
  return host
}

/** Opens a socket; resolves with it when open, rejects with the HTTP status when refused. */
function connect(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function invoke(ws: WebSocket, id: number, channel: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const frame = JSON.parse(String(raw))
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage)
        resolve(frame)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ type: 'invoke', id, channel, input }))
  })
}

describe('browser host', () => {
  it('listens on 127.0.0.1 and prints a URL with the token', async () => {
    const h = await start()
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/?token=${TOKEN}`)
  })

  it('requires the token for pages and assets', async () => {
    const h = await start()
    const base = `http://127.0.0.1:${h.port}`
    expect((await fetch(`${base}/`)).status).toBe(401)
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401)
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401)
    const ok = await fetch(h.url)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('<!doctype html><title>P2Engine</title>')
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie } })
    expect([asset.status, asset.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8'])
    // A path that tries to climb out stays inside the renderer folder (client routes get index.html).
    expect(await (await fetch(`${base}/..%2f..%2f..%2fetc%2fpasswd`, { headers: { cookie } })).text()).toBe('<!doctype html><title>P2Engine</title>')
    expect((await fetch(`${base}/..%2f..%2fpackage.json`, { headers: { cookie } })).status).toBe(404)
  })

  it('rejects sockets with a wrong or missing token, or a foreign origin', async () => {
    const h = await start()
    const ws = `ws://127.0.0.1:${h.port}/ws`
    await expect(connect(ws)).rejects.toThrow('HTTP 401')
    await expect(connect(`${ws}?token=nope`)).rejects.toThrow('HTTP 401')
    await expect(connect(`${ws}?token=${TOKEN}`, 'https://evil.example')).rejects.toThrow('HTTP 401')
    const rebound = new Promise<number>((resolve) => {
      const s = new WebSocket(`${ws}?token=${TOKEN}`, { headers: { host: `evil.example:${h.port}` } })
      s.once('unexpected-response', (_req, res) => resolve(res.statusCode!))
      s.once('open', () => resolve(101))
    })
    expect(await rebound).toBe(401)
  })

  it('accepts the cookie the page load set instead of the URL token', async () => {
    const h = await start()
    const cookie = (await fetch(h.url)).headers.get('set-cookie')!.split(';')[0]!
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`ws://127.0.0.1:${h.port}/ws`, { headers: { cookie } })
      s.once('open', () => resolve(s))
      s.once('error', reject)
    })
    expect(await invoke(ws, 1, 'app:info', {})).toEqual({
      type: 'result',
      id: 1,
      result: { ok: true, data: { name: 'P2Engine', version: '0.0.0-test', host: 'browser', home: '/tmp/p2engine-test-home', configDir: '/tmp/p2engine-test-config', ledgerBackend: 'embedded', firstStart: { created: [], balance: null, error: null }, configWarnings: [], ledgerNote: null } },
    })
    ws.close()
  })

  it('refuses requests whose Host is not loopback (DNS rebinding)', async () => {
    const h = await start()
    const res = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.port, path: `/?token=${TOKEN}`, headers: { host: `evil.example:${h.port}` } }, (r) => {
        r.resume()
        resolve(r.statusCode!)
      })
      req.on('error', reject)
      req.end()
    })
    expect(res).toBe(421)
  })

  it('serves the contract over the socket and pushes events', async () => {
    const h = await start()
    const ws = await connect(`ws://127.0.0.1:${h.port}/ws?token=${TOKEN}`, `http://127.0.0.1:${h.port}`)
    const events: unknown[] = []
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw))
      if (frame.type === 'event') events.push(frame)
    })
    const wallets = (await invoke(ws, 1, 'ledger:wallets', {})) as { result: { ok: boolean; data: { agent: string; balance: string }[] } }
    expect(wallets.result.data.map((w) => [w.agent, w.balance])).toEqual([['agent_alpha', '100.0'], ['agent_beta', '100.0']])
    const transfer = (await invoke(ws, 2, 'ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: '10' })) as { result: { ok: boolean; data: unknown } }
    expect(transfer).toEqual({
      type: 'result',
      id: 2,
      result: { ok: true, data: { transactionId: expect.any(String), commandId: expect.any(String), recordId: expect.any(String), fromBalance: '90.0', toBalance: '110.0', deduplicated: false } },
    })
    expect(await invoke(ws, 3, 'ledger:transfer', { from: 'agent_alpha', to: 'agent_beta', amount: 'ten' })).toEqual({
      type: 'result',
      id: 3,
      result: { ok: false, error: { code: 'USER_INPUT', message: 'invalid input for ledger:transfer: amount: a positive decimal number such as "10" or "2.5"' } },
    })
    expect(events).toEqual([{ type: 'event', name: 'ledger:transferred', payload: { from: 'agent_alpha', to: 'agent_beta', amount: '10', reason: 'Manual transfer', result: transfer.result.data } }])
    ws.close()
  })
})
