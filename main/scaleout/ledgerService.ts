import { Redis } from 'ioredis'
import { LedgerError, messageOf } from '../engine/errors'
import type { LedgerClient } from '../engine/ports/ledger'
import { LedgerRequestRefusedError, ledgerKeys, refusalText, signAnswer, toWireError, verifyRequest, type AnswerEnvelope, type RequestEnvelope } from './ledgerWire'
import { checkSecret, type RemoteLedgerOptions } from './remoteLedger'

/** Answer lists of workers that went away are dropped after this long. */
const REPLY_TTL_MS = 10 * 60_000
/** Requests taken per round trip once one arrived: transfers of one tick share the ledger's group commit. */
const BATCH = 128

/** JSON turns an absent positional argument into null; no ledger method takes null. */
const argsOf = (req: RequestEnvelope): unknown[] => req.args.map((a) => (a === null ? undefined : a))

async function run(ledger: LedgerClient, req: RequestEnvelope): Promise<unknown> {
  if (req.method === 'revision') {
    if (!ledger.revision) throw new LedgerError('the coordinator\'s ledger has no revision (ledger reads are not cached)', 'NO_REVISION')
    return ledger.revision()
  }
  const fn = ledger[req.method] as (...args: unknown[]) => Promise<unknown>
  return fn.apply(ledger, argsOf(req))
}

/**
 * Coordinator side of the remote ledger: pops signed requests from `<prefix>:ledger:requests`,
 * runs each on `ledger` and pushes the signed answer to the caller's answer list. Requests are
 * run as they arrive, without waiting for one another, so concurrent transfers share the embedded
 * ledger's group commit. A refused request (unsigned, bad signature, other app version) is
 * reported in one line through `onRefused` and answered with that line when its sender is known.
 *
 * `close()` stops at once: answers of calls still running are dropped, as after a crash; the
 * workers resend them and the ledger's command-id dedup returns the first result.
 */
export async function serveLedger(ledger: LedgerClient, o: RemoteLedgerOptions): Promise<{ close(): Promise<void> }> {
  checkSecret(o.secret)
  const keys = ledgerKeys(o.prefix ?? 'p2engine')
  const onRefused = o.onRefused ?? ((line: string) => process.stderr.write(`${line}\n`))
  const pop = new Redis(o.url, { maxRetriesPerRequest: null })
  const push = new Redis(o.url, { maxRetriesPerRequest: null, enableAutoPipelining: true })
  pop.on('error', () => undefined) // ioredis reconnects by itself; calls wait meanwhile
  push.on('error', () => undefined)
  await pop.ping() // fails fast on a bad URL or password, before the loop starts
  let closed = false

  const answer = (client: string, text: string) => {
    if (closed) return
    const key = keys.replies(client)
    push.multi().rpush(key, text).pexpire(key, REPLY_TTL_MS).exec().catch(() => undefined)
  }

  const handle = (text: string) => {
    let req: RequestEnvelope
    try {
      req = verifyRequest(o.secret, text, o.appVersion)
    } catch (err) {
      if (!(err instanceof LedgerRequestRefusedError)) throw err
      onRefused(err.message)
      if (err.replyTo) answer(err.replyTo.client, refusalText(err.replyTo.id, err.message))
      return
    }
    run(ledger, req).then(
      (value) => ({ v: 1 as const, id: req.id, ok: true as const, value: value ?? null }),
      (err: unknown) => ({ v: 1 as const, id: req.id, ok: false as const, error: toWireError(err) }),
    ).then((a: AnswerEnvelope) => answer(req.client, signAnswer(o.secret, a)))
  }

  const loop = (async () => {
    while (!closed) {
      let first: [string, string] | null
      try {
        first = await pop.brpop(keys.requests, 1)
      } catch {
        if (closed) return
        await new Promise((r) => setTimeout(r, 100))
        continue
      }
      if (!first || closed) continue
      const more = (await pop.rpop(keys.requests, BATCH).catch(() => null)) ?? []
      for (const text of [first[1], ...more]) {
        try {
          handle(text)
        } catch (err) {
          onRefused(`ledger request dropped: ${messageOf(err)}`) // a bug must not stop the service
        }
      }
    }
  })()

  return {
    async close() {
      if (closed) return
      closed = true
      pop.disconnect()
      await loop
      await push.quit().catch(() => push.disconnect())
    },
  }
}
