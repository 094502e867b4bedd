import { hostname } from 'node:os'
import { InvalidArgumentError, type Command } from 'commander'
import { composeModelLimits, composeRemoteLedger } from '../../compose/scaleout'
import { workerVariants } from '../../compose/workerVariants'
import { ConfigError, messageOf } from '../../engine/errors'
import type { CliContext } from '../context'
import type { Wrap } from '../program'
import { APP_VERSION } from '../version'
import { intOption } from './options'
import { openJobQueue, scaleoutTarget } from './scaleoutTarget'
import { WorkerProgress } from './workerProgress'

interface WorkerOpts { redis?: string; concurrency: number; name?: string }

const NAME = /^[\w.@-]{1,64}$/

/**
 * `p2engine worker`: takes variant jobs from the scale-out queue until SIGINT/SIGTERM (first
 * signal: no new jobs, the running ones finish; second: exit at once, and the jobs in flight go
 * to another worker when their lock expires).
 */
async function runWorker(ctx: CliContext, o: WorkerOpts): Promise<void> {
  const target = scaleoutTarget(ctx, o.redis)
  if (!target) throw new ConfigError('p2engine worker needs Redis: pass --redis URL, or set REDIS_URL or redis.url in config.json', 'NO_REDIS')
  const name = o.name ?? `${hostname()}-${process.pid}`
  const queue = await openJobQueue(target)
  const home = ctx.config.settings.home
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v
  // The provider limits (P2ENGINE_MODEL_CONCURRENCY) hold across all workers on this Redis.
  const modelSlots = await composeModelLimits(target.redis)
  const view = new WorkerProgress({ io: ctx.io, tty: Boolean(process.stdout.isTTY), name, concurrency: o.concurrency, target: target.redis.safeUrl })
  const executor = workerVariants({
    store: ctx.store, home, env, logger: ctx.logging.workersLogger, concurrency: o.concurrency, modelSlots,
    ...(target.secret ? { embeddedLedger: () => composeRemoteLedger({ url: target.redis.url, secret: target.secret!, appVersion: APP_VERSION }) } : {}),
    onPhase: (jobId, phase, progress) => view.phase(jobId, phase, progress),
    ...(queue.fetchBlob ? { fetchBlob: (h: string) => queue.fetchBlob!(h) } : {}),
    ...(queue.putResult ? { putResult: (id: string, b: Buffer) => queue.putResult!(id, b) } : {}),
  })
  let fault: string | undefined
  let stopNow = () => {}
  const consumer = queue.consume(async (job, jctx) => {
    view.started(job.jobId, job.attempt)
    try {
      const r = await executor.run(job, jctx)
      const score = r.metrics?.score
      view.finished(job.jobId, r.status, r.status === 'done' ? (score != null ? `score ${score.toFixed(3)}` : '') : (r.error ?? ''))
      return r
    } catch (err) {
      view.finished(job.jobId, 'failed', messageOf(err))
      throw err
    }
  }, {
    worker: name, concurrency: o.concurrency,
    onRefused: (m, atFault) => {
      view.refusedJob(m)
      // This worker cannot run the coordinators' jobs (version or secret): it stops, the jobs wait for others.
      if (atFault && !fault) {
        fault = m
        stopNow()
      }
    },
  })
  if ((await queue.secretKnown()) === false) {
    view.message(`warning: no coordinator on ${target.redis.safeUrl} has enqueued with this worker's job secret (P2ENGINE_JOB_SECRET / redis.secret); if theirs differs, this worker stops at its first job`)
  }
  view.message(`worker ${name} (app ${APP_VERSION}) takes variant jobs from ${target.redis.safeUrl}, ${o.concurrency} at a time; home ${home}. Ctrl-C stops after the running jobs.`)

  let stopHandlers = () => {}
  await new Promise<void>((resolve) => {
    stopNow = () => void consumer.stop(false).finally(resolve)
    if (fault) stopNow()
    let signals = 0
    const onSignal = (sig: NodeJS.Signals) => {
      signals++
      if (signals === 1) {
        view.message(`${sig}: worker ${name} takes no new jobs and stops after the running ones (again to stop at once)`)
        void consumer.stop(false).finally(resolve)
        return
      }
      // Forced: jobs in flight keep their lock until it expires; BullMQ then hands them to another worker.
      ctx.io.err(`${sig}: worker ${name} stops now; its unfinished jobs go back to the queue when their lock expires`)
      process.exit(130)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    stopHandlers = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  })
  stopHandlers()
  view.stop()
  await executor.close()
  await modelSlots.close?.()
  await queue.close()
  if (fault) throw new ConfigError(`worker ${name} stopped: it cannot run this coordinator's jobs (${fault.replace(/^job \S+ refused: /, '')})`, 'WORKER_REFUSED')
  view.message(`worker ${name} stopped`)
}

/** `p2engine worker …`. */
export function registerWorkerCommand(program: Command, wrap: Wrap): void {
  program
    .command('worker')
    .description('run rollout variants for coordinators on any machine: take variant jobs from Redis (BullMQ), run each here, send back its bundle')
    .option('--redis <url>', 'the Redis of the coordinator (redis:// or rediss://; default REDIS_URL / config.json redis)')
    .option('--concurrency <n>', 'variants running at once on this worker', (v: string) => {
      const n = intOption('--concurrency')(v)
      if (n < 1 || n > 256) throw new InvalidArgumentError(`--concurrency must be from 1 to 256, got "${v}"`)
      return n
    }, 4)
    .option('--name <name>', 'this worker\'s name in the variant tables (default host-pid)', (v: string) => {
      if (!NAME.test(v)) throw new InvalidArgumentError(`--name must be 1-64 letters, digits, ".", "@", "_" or "-", got "${v}"`)
      return v
    })
    .action(wrap((ctx, o: WorkerOpts) => runWorker(ctx as CliContext, o)))
}
