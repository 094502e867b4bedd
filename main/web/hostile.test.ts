import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect as tcpConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { WS_MAX_PAYLOAD, YAML_MAX_CHARS } from '../../preload/contract'
import { EventBus } from '../ipc/eventBus'
import { makeTestServices } from '../ipc/fixtures'
import { startWebHost, type WebHost } from './server'

const TOKEN = 'test-token-hostile-0123'
let host: WebHost | undefined
let cleanup: (() => Promise<void>) | undefined
let dir: string | undefined
/** Errors nobody handled while the host ran: each one would have killed `p2engine ui`. */
let uncaught: unknown[] = []
const onUncaught = (err: unknown) => uncaught.push(err)

beforeEach(() => {
  uncaught = []
  process.on('uncaughtException', onUncaught)
})

afterEach(async () => {
  process.off('uncaughtException', onUncaught)
  await host?.close()
  await cleanup?.()
  if (dir) rmSync(dir, { recursive: true, force: true })
  host = cleanup = dir = undefined
})

async function start(): Promise<WebHost> {
  dir = mkdtempSync(join(tmpdir(), 'p2e-hostile-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>P2Engine</title>')
  const services = await makeTestServices()
  cleanup = services.close
  host = await startWebHost({ services, bus: new EventBus(), rendererDir: dir, port: 0, token: TOKEN })
  return host
}

/** A raw TCP client past the WebSocket handshake: what it writes is not checked by any library. */
async function rawSocket(port: number): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  const socket = tcpConnect(port, '127.0.0.1')
  socket.on('error', () => {})
  const chunks: Buffer[] = []
  const closed = new Promise<Buffer>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write([
        `GET /ws?token=${TOKEN} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', '',
      ].join('\r\n'))
    })
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      const text = Buffer.concat(chunks).toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      if (!text.startsWith('HTTP/1.1 101')) return reject(new Error(text.split('\r\n')[0]))
      const rest = Buffer.concat(chunks).subarray(end + 4)
      chunks.length = 0
      chunks.push(rest)
      socket.on('data', (c: Buffer) => chunks.push(c))
      resolve()
    }
    socket.on('data', onData)
  })
  return { socket, closed }
}

/** A client-to-server frame; `mask: false` leaves out the mask the protocol requires. */
function frame(firstByte: number, payload: Buffer, mask = true): Buffer {
  const key = randomBytes(4)
  const len = payload.length < 126 ? Buffer.from([payload.length]) : Buffer.from([126, payload.length >> 8, payload.length & 0xff])
  len[0]! |= mask ? 0x80 : 0
  const body = mask ? Buffer.from(payload.map((b, i) => b ^ key[i % 4]!)) : payload
  return Buffer.concat([Buffer.from([firstByte]), len, mask ? key : Buffer.alloc(0), body])
}

/** The status code of the server's close frame in what the raw socket received. */
const closeCode = (received: Buffer): number | undefined =>
  received[0] === 0x88 && received.length >= 4 ? received.readUInt16BE(2) : undefined

function openClient(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function invoke(ws: WebSocket, id: number, channel: string, input: unknown): Promise<{ id: number; result: { ok: boolean; data?: unknown; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    ws.once('close', (code) => reject(new Error(`socket closed with ${code} before the answer`)))
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw))
      if (f.type === 'result' && f.id === id) resolve(f)
    })
    ws.send(JSON.stringify({ type: 'invoke', id, channel, input }))
  })
}

/** A second, well-behaved client still gets an answer. */
async function stillServes(port: number): Promise<void> {
  const ws = await openClient(port)
  expect((await invoke(ws, 7, 'app:info', {})).result.ok).toBe(true)
  ws.close()
}

describe('browser host under hostile WebSocket input', () => {
  const cases: [string, () => Buffer, number][] = [
    ['RSV bits set', () => frame(0x80 | 0x40 | 0x20 | 0x01, Buffer.from('{}')), 1002],
    ['an unmasked frame', () => frame(0x81, Buffer.from('{}'), false), 1002],
    ['invalid UTF-8 text', () => frame(0x81, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
    // Only the header is needed: it announces a payload one byte over the limit.
    ['a frame over maxPayload', () => {
      const header = Buffer.alloc(14)
      header[0] = 0x82
      header[1] = 0x80 | 127
      header.writeBigUInt64BE(BigInt(WS_MAX_PAYLOAD + 1), 2)
      return header
    }, 1009],
  ]
  it.each(cases)('%s closes that connection only, and the host keeps serving', async (_name, bytes, code) => {
    const h = await start()
    const watcher = await openClient(h.port)
    const { socket, closed } = await rawSocket(h.port)
    socket.write(bytes())
    expect(closeCode(await closed)).toBe(code)
    await stillServes(h.port)
    expect(watcher.readyState).toBe(WebSocket.OPEN)
    expect(uncaught).toEqual([])
    watcher.close()
  })

  it('answers a ~990k-character YAML whose JSON is over 1 MiB (rollouts:validate)', async () => {
    const h = await start()
    const line = '# a "quoted"\tcomment with a \\ backslash\n'
    const yaml = `${'name: big\n'}${line.repeat(Math.floor((990_000 - 10) / line.length))}`
    expect(yaml.length).toBeLessThan(YAML_MAX_CHARS)
    expect(Buffer.byteLength(JSON.stringify({ yaml }))).toBeGreaterThan(1024 * 1024)
    const ws = await openClient(h.port)
    const answer = await invoke(ws, 1, 'rollouts:validate', { yaml, fileName: 'big.yml' })
    expect(answer.result.ok).toBe(true)
    expect(uncaught).toEqual([])
    ws.close()
  })

  it('answers a YAML over the contract limit with a named error, not a dropped socket', async () => {
    const h = await start()
    const ws = await openClient(h.port)
    const answer = await invoke(ws, 2, 'rollouts:validate', { yaml: 'x'.repeat(YAML_MAX_CHARS + 1), fileName: 'big.yml' })
    expect(answer.result).toEqual({
      ok: false,
      error: { code: 'USER_INPUT', message: 'invalid input for rollouts:validate: yaml: a YAML text of at most 1,000,000 characters' },
    })
    ws.close()
  })
})
