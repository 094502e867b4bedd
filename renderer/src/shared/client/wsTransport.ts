import { ServerFrameSchema, WS_PATH, type ClientFrame, type Envelope, type EventName } from '../../../../preload/contract'
import { ClientError, type Client, type ConnectionState } from './types'

interface Pending {
  resolve: (result: Envelope<unknown>) => void
}

const DISCONNECTED = {
  code: 'DISCONNECTED',
  message: 'Lost the connection to the P2Engine host. Is `p2engine ui` still running? Reload the page once it is.',
}

/**
 * The client over the browser host's WebSocket. Calls made before the socket opens are queued;
 * a dropped socket fails its pending calls with DISCONNECTED and reconnects with backoff.
 */
export function createWsClient(url: string, makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u)): Client {
  let socket: WebSocket | undefined
  let state: ConnectionState = 'connecting'
  let nextId = 1
  let retry = 0
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<(s: ConnectionState) => void>()

  const setState = (s: ConnectionState) => {
    state = s
    for (const cb of stateListeners) cb(s)
  }

  const connect = () => {
    setState('connecting')
    const ws = makeSocket(url)
    socket = ws
    ws.onopen = () => {
      retry = 0
      setState('open')
      for (const frame of queue.splice(0)) ws.send(frame)
    }
    ws.onmessage = (msg) => {
      let json: unknown
      try {
        json = JSON.parse(String(msg.data))
      } catch {
        return // not a frame of ours
      }
      const parsed = ServerFrameSchema.safeParse(json)
      if (!parsed.success) return
      const frame = parsed.data
      if (frame.type === 'result') {
        pending.get(frame.id)?.resolve(frame.result as Envelope<unknown>)
        pending.delete(frame.id)
      } else {
        for (const cb of listeners.get(frame.name) ?? []) cb(frame.payload)
      }
    }
    ws.onclose = () => {
      for (const p of pending.values()) p.resolve({ ok: false, error: DISCONNECTED })
      pending.clear()
      setState('closed')
      // A closed host (or a wrong token) should not be hammered: back off up to 10 s.
      const delay = Math.min(10_000, 500 * 2 ** retry++)
      setTimeout(connect, delay)
    }
  }
  connect()

  return {
    transport: 'ws',
    async invoke(channel, input) {
      const id = nextId++
      const frame: ClientFrame = { type: 'invoke', id, channel, input }
      const result = await new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, { resolve })
        const text = JSON.stringify(frame)
        if (state === 'open' && socket?.readyState === WebSocket.OPEN) socket.send(text)
        else queue.push(text)
      })
      if (!result.ok) throw new ClientError(result.error.code, result.error.message)
      return result.data as never
    },
    on(event: EventName, cb) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      const wrapped = cb as (payload: unknown) => void
      set.add(wrapped)
      return () => {
        set.delete(wrapped)
      }
    },
    onConnection(cb) {
      stateListeners.add(cb)
      cb(state)
      return () => {
        stateListeners.delete(cb)
      }
    },
  }
}

/** The socket URL of the host that served this page, with the token from the page URL. */
export function hostSocketUrl(location: Location, storage: Storage | undefined): string {
  const fromUrl = new URLSearchParams(location.search).get('token')
  if (fromUrl) storage?.setItem('p2engine.token', fromUrl)
  const token = fromUrl ?? storage?.getItem('p2engine.token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`
}
