import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { ConfigError, LedgerError } from '../engine/errors'
import type { CreateWalletRequest, LedgerClient, LedgerStatus, TransferRequest } from '../engine/ports/ledger'
import { newCommandId } from '../storage/ledger/ids'
import { fromWireError, ledgerKeys, readAnswer, signRequest, type LedgerMethod } from './ledgerWire'
import { maskRedisUrl } from './redisConfig'

/**
 * The embedded ledger in a distributed rollout (issue 14): workers on other machines must pay
 * into the coordinator's one ledger, exactly once. A worker's `LedgerClient` forwards every call
 * to the coordinator over Redis; the coordinator answers them from its own ledger, and the
 * engine's idempotency keys (`tc_…` command ids) make a retried call return the first result.
 *
 * Transport: a Redis list of signed requests and one answer list per client (a round trip costs
 * about 0.4 ms on loopback, BullMQ's add + waitUntilFinished about 3.3 ms; see
 * docs/notes/so-ledger.md).
 */
export interface RemoteLedgerOptions {
  /** Redis URL (the resolved target's `url`). */
  url: string
  /** The shared job secret: requests and answers are HMAC-signed with it. */
  secret: string
  appVersion: string
  /** Key prefix (tests isolate themselves with their own). Default `p2engine`. */
  prefix?: string
  /** How long a worker waits for the coordinator's answer before the call fails (ms). Default 30 000. */
  timeoutMs?: number
  /**
   * Worker side: a call without an answer after this long is sent again (same id and command id),
   * in case the coordinator died holding it or Redis lost it. Also sent again on every reconnect.
   * Default 2 000 ms.
   */
  resendMs?: number
  /** Coordinator side: told one line per refused request (default: stderr). */
  onRefused?: (line: string) => void
}

interface Pending {
  method: LedgerMethod
  text: string
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
  timers: NodeJS.Timeout[]
}

/** Worker side: a LedgerClient whose every call runs on the coordinator's ledger. */
export function remoteLedgerClient(o: RemoteLedgerOptions): LedgerClient {
  checkSecret(o.secret)
  return new RemoteLedgerClient(o)
}

/** Both sides sign with the shared secret; without one nothing could be trusted. */
export function checkSecret(secret: string | undefined): void {
  if (!secret) throw new ConfigError('the remote ledger needs the shared job secret: set P2ENGINE_JOB_SECRET or redis.secret in config.json (16+ characters), the same on the coordinator and every worker')
}

/** Coordinator side: answers remote ledger calls from `ledger` until `close()`. */
export { serveLedger } from './ledgerService'

class RemoteLedgerClient implements LedgerClient {
  readonly backend = 'embedded' as const
  private readonly client = randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9_-]/g, '_')
  private readonly keys
  private readonly send: Redis
  private readonly recv: Redis
  private readonly pending = new Map<string, Pending>()
  private seq = 0
  private reading = false
  private closed = false
  /** Why the last untrusted answer was dropped: named in a timeout message. */
  private dropped: string | undefined

  constructor(private readonly o: RemoteLedgerOptions) {
    this.keys = ledgerKeys(o.prefix ?? 'p2engine')
    // maxRetriesPerRequest null: a command waits through reconnects instead of failing.
    this.send = new Redis(o.url, { maxRetriesPerRequest: null, lazyConnect: true, enableAutoPipelining: true })
    this.recv = new Redis(o.url, { maxRetriesPerRequest: null, lazyConnect: true })
    this.send.on('error', () => undefined)
    this.recv.on('error', () => undefined)
    // After a reconnect, everything unanswered goes again: a restarted Redis may have lost it.
    let connected = false
    this.send.on('ready', () => {
      if (connected) for (const p of this.pending.values()) this.push(p.text)
      connected = true
    })
  }

  private push(text: string): void {
    this.send.lpush(this.keys.requests, text).catch(() => undefined)
  }

  private call<T>(method: LedgerMethod, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new LedgerError('the remote ledger client is closed', 'LEDGER_CLOSED'))
    const id = `${this.client}.${(this.seq++).toString(36)}`
    const text = signRequest(this.o.secret, { v: 1, appVersion: this.o.appVersion, id, client: this.client, method, args })
    const timeoutMs = this.o.timeoutMs ?? 30_000
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { method, text, resolve: resolve as (v: unknown) => void, reject, timers: [] }
      p.timers.push(setTimeout(() => this.settle(id, undefined, this.timeoutError(method, timeoutMs)), timeoutMs))
      p.timers.push(setInterval(() => this.push(text), Math.max(10, this.o.resendMs ?? 2_000)))
      this.pending.set(id, p)
      this.push(text)
      this.read()
    })
  }

  private timeoutError(method: string, ms: number): LedgerError {
    const why = this.dropped ? `; ignored ${this.dropped}` : '; is the coordinator running with the same Redis, prefix and secret?'
    return new LedgerError(
      `ledger ${method}: no answer from the coordinator within ${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s (${maskRedisUrl(this.o.url)}, ${this.keys.requests})${why} ` +
        'A transfer may still commit; retrying it with the same command id is safe.',
      'LEDGER_UNREACHABLE',
    )
  }

  private settle(id: string, value: unknown, err?: unknown): void {
    const p = this.pending.get(id)
    if (!p) return
    this.pending.delete(id)
    for (const t of p.timers) clearTimeout(t)
    if (err) p.reject(err)
    else p.resolve(value)
  }

  /** One reader per client while calls are pending: answers come back in any order, matched by id. */
  private read(): void {
    if (this.reading) return
    this.reading = true
    void (async () => {
      while (this.pending.size > 0 && !this.closed) {
        let got: [string, string] | null
        try {
          got = await this.recv.blpop(this.keys.replies(this.client), 1)
        } catch {
          if (this.closed) break
          await new Promise((r) => setTimeout(r, 50))
          continue
        }
        if (!got) continue
        // Under load many answers wait: take them in one round trip, not one BLPOP each.
        const more = (await this.recv.lpop(got[0], 256).catch(() => null)) ?? []
        for (const text of [got[1], ...more]) this.onAnswer(text)
      }
      this.reading = false
      if (this.pending.size > 0 && !this.closed) this.read()
    })()
  }

  private onAnswer(text: string): void {
    const a = readAnswer(this.o.secret, text)
    if (a.kind === 'ignored') this.dropped = a.why
    else if (a.kind === 'refused') this.settle(a.id, undefined, new LedgerError(a.line, 'LEDGER_REFUSED'))
    else if (a.answer.ok) this.settle(a.answer.id, a.answer.value)
    else this.settle(a.answer.id, undefined, fromWireError(a.answer.error))
  }

  async status(): Promise<LedgerStatus> {
    const s = await this.call<LedgerStatus>('status', [])
    return { ...s, detail: `${s.detail}, on the coordinator (through ${maskRedisUrl(this.o.url)})` }
  }

  createWallet(req: CreateWalletRequest) {
    // The id is fixed before the first send, so every resend of this call is the same command.
    return this.call<Awaited<ReturnType<LedgerClient['createWallet']>>>('createWallet', [{ ...req, commandId: req.commandId ?? newCommandId() }])
  }

  getWallet(agent: string) { return this.call<Awaited<ReturnType<LedgerClient['getWallet']>>>('getWallet', [agent]) }
  listWallets() { return this.call<Awaited<ReturnType<LedgerClient['listWallets']>>>('listWallets', []) }
  walletVersions(agent: string) { return this.call<Awaited<ReturnType<LedgerClient['walletVersions']>>>('walletVersions', [agent]) }

  transfer(req: TransferRequest) {
    return this.call<Awaited<ReturnType<LedgerClient['transfer']>>>('transfer', [{ ...req, commandId: req.commandId ?? newCommandId() }])
  }

  history(agent?: string, limit?: number) { return this.call<Awaited<ReturnType<LedgerClient['history']>>>('history', [agent ?? null, limit ?? null]) }
  metrics() { return this.call<Awaited<ReturnType<LedgerClient['metrics']>>>('metrics', []) }
  events(query?: Parameters<LedgerClient['events']>[0]) { return this.call<Awaited<ReturnType<LedgerClient['events']>>>('events', [query ?? null]) }
  audit() { return this.call<Awaited<ReturnType<LedgerClient['audit']>>>('audit', []) }
  revision() { return this.call<string>('revision', []) }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new LedgerError('the remote ledger client was closed before the coordinator answered', 'LEDGER_CLOSED'))
    this.recv.disconnect()
    if (this.send.status === 'wait') this.send.disconnect()
    else await this.send.quit().catch(() => this.send.disconnect())
  }
}
