// Test helper (a separate OS process): `node --import tsx limiterProbe.ts <redis url> <prefix> <server url> <mode> <n> <limit> [leaseMs]`.
// mode `calls`: prints `ready`, waits for a line on stdin, makes n model calls at once through the
// shared (Redis) limit `openai=<limit>` against the counter server, prints `done <n>`, exits.
// mode `hold`: takes one slot, prints `held`, and never lets it go (the test kills it with -9).
import { createInterface } from 'node:readline'
import { composeModelLimits } from '../../compose/scaleout'
import { LimitedProvider } from '../../engine/models/limiter'
import { parseRedisUrl } from '../redisConfig'
import { httpCountingProvider } from './counterServer'

const [url, prefix, server, mode, n, limit, leaseMs] = process.argv.slice(2)
const slots = await composeModelLimits(parseRedisUrl(url!, 'argv', 'flag'), { prefix: prefix!, ...(leaseMs ? { leaseMs: Number(leaseMs) } : {}) })
if (mode === 'hold') {
  await slots.acquire('openai', Number(limit))
  process.stdout.write('held\n')
  setInterval(() => undefined, 60_000)
} else {
  const provider = new LimitedProvider(httpCountingProvider(server!), { openai: Number(limit) }, slots)
  process.stdout.write('ready\n')
  await new Promise<void>((r) => createInterface({ input: process.stdin }).once('line', () => r()))
  const done = await Promise.all(Array.from({ length: Number(n) }, () => provider.complete({ model: 'openai/gpt-4o', messages: [] })))
  process.stdout.write(`done ${done.length}\n`)
  await slots.close?.()
  process.exit(0)
}
