import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { ClientFrameSchema, WS_MAX_PAYLOAD, WS_PATH, type ServerFrame } from '../../preload/contract'
import { UserInputError } from '../engine/errors'
import type { EventBus } from '../ipc/eventBus'
import { serveContract } from '../ipc/handlers'
import { MapTransport } from '../ipc/register'
import type { AppServices } from '../ipc/services'
import { resolveStatic, sendFile } from './static'
import { hostEngine } from './engineHost'

export interface WebHostOptions {
  services: AppServices
  bus: EventBus
  /** Folder with the built renderer's index.html. */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** Fixed token (tests); a random 32-byte one otherwise. */
  token?: string
}

export interface WebHost {
  /** The URL to open, token included. */
  url: string
  port: number
  token: string
  /** Stops accepting, closes every socket; the services stay open (their owner closes them). */
  close(): Promise<void>
}

const HOST = '127.0.0.1'

/** CSP of the served UI: only this origin, and the WebSocket back to it. */
const cspFor = (port: number): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

const sameToken = (given: string | null | undefined, token: string): boolean => {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

const cookieToken = (req: IncomingMessage): string | undefined =>
  req.headers.cookie?.split(';').map((c) => c.trim().split('=')).find(([k]) => k === 'p2engine_token')?.[1]

/**
 * The browser host: serves the built renderer and the IPC contract over a WebSocket, on
 * 127.0.0.1 only. Every request needs the token (in the URL, or the cookie the first page load
 * sets); the Host header must be loopback (no DNS rebinding) and the socket's Origin this host.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  const transport = new MapTransport()
  const hosted = hostEngine(options.services, options.bus)
  serveContract(hosted.services, options.bus, transport)
  let port = 0
  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`]

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    const base = { 'content-security-policy': cspFor(port), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', ...base }).end('Misdirected request: use the 127.0.0.1 URL printed by `p2engine ui`')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...base }).end()
      return
    }
    const queryToken = url.searchParams.get('token')
    if (!sameToken(queryToken, token) && !sameToken(cookieToken(req), token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...base })
      res.end('Unauthorized: open the URL with the token that `p2engine ui` printed.')
      return
    }
    const headers: Record<string, string> = { ...base }
    if (queryToken) headers['set-cookie'] = `p2engine_token=${token}; HttpOnly; SameSite=Strict; Path=/`
    sendFile(res, resolveStatic(options.rendererDir, url.pathname), headers)
  })

  // Large enough for the largest legal call after JSON escaping (see preload/contract/limits.ts);
  // a bigger frame closes that one socket with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD })
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // A reset during the handshake is that client's problem, never the host's.
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    const originOk = !req.headers.origin || allowedHosts().some((h) => req.headers.origin === `http://${h}`)
    const hostOk = allowedHosts().includes(req.headers.host ?? '')
    // The token comes in the URL, or as the cookie the page load set (a reopened tab has only that).
    const tokenOk = sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token)
    if (url.pathname !== WS_PATH || !hostOk || !originOk || !tokenOk) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  const attach = (ws: WebSocket): void => {
    const send = (frame: ServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
    }
    const unsubscribe = options.bus.subscribe(({ name, payload }) => send({ type: 'event', name, payload }))
    ws.on('close', unsubscribe)
    // A protocol violation (RSV bits, no mask, invalid UTF-8, a frame over maxPayload) arrives
    // here; ws has already closed this socket with the matching code (1002, 1007, 1009). Without
    // a listener the error would be thrown and end the whole host.
    ws.on('error', () => {})
    ws.on('message', (raw) => {
      let frame
      try {
        frame = ClientFrameSchema.parse(JSON.parse(String(raw)))
      } catch {
        ws.close(1003, 'malformed frame: expected {type:"invoke", id, channel, input}')
        return
      }
      const { id } = frame
      transport.invoke(frame.channel, frame.input).then(
        (result) => send({ type: 'result', id, result }),
        (err: unknown) => send({ type: 'result', id, result: { ok: false, error: { code: 'INTERNAL', message: `the host failed to answer ${frame.channel}: ${err instanceof Error ? err.message : String(err)}` } } }),
      )
    })
  }

  await new Promise<void>((resolvePromise, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      void hosted.close()
      reject(err.code === 'EADDRINUSE'
        ? new UserInputError(`port ${options.port} on ${HOST} is already in use; pick another with --port, or omit it for a free one`, 'PORT_IN_USE')
        : err)
    }
    server.once('error', onError)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', onError)
      resolvePromise()
    })
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await hosted.close()
    },
  }
}
