import { bundleSecrets } from '../../bundles/secrets'
import { composeLedgerService } from '../../compose/scaleout'
import { queuedVariants } from '../../compose/queuedVariants'
import { ConfigError, messageOf } from '../../engine/errors'
import { homePaths } from '../../engine/paths'
import type { RolloutDeps } from '../../engine/rollouts/runner'
import { buildConfigSnapshot } from '../../scaleout/configSnapshot'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import type { CliContext } from '../context'
import { APP_VERSION } from '../version'
import { openJobQueue, type ScaleoutTarget } from './scaleoutTarget'

/**
 * Rollout deps for a coordinator (issue 14): every pending variant goes to the Redis queue at
 * once (the workers' `--concurrency` bounds what runs), results come back as bundles imported
 * here. With the embedded ledger, this process serves its ledger to the workers while the
 * rollout runs (main/scaleout/remoteLedger.ts), so every payment lands here exactly once.
 */
export async function queuedDeps(ctx: CliContext, target: ScaleoutTarget, replay: boolean): Promise<RolloutDeps & { close: () => Promise<void> }> {
  const { settings } = ctx.config
  const queue = await openJobQueue(target)
  // Variants wait in the queue for workers; say so rather than look hung.
  if (!(await queue.liveWorkers()).length) ctx.io.err(`warning: no \`p2engine worker\` is connected to ${target.redis.safeUrl}; the variants wait in the queue until one starts (\`p2engine worker --redis URL\` on any machine)`)
  let service: { close(): Promise<void> } | undefined
  if (settings.ledger.enabled && settings.ledger.backend === 'embedded') {
    try {
      service = await composeLedgerService(ctx.ledger, { url: target.redis.url, secret: target.secret!, appVersion: APP_VERSION })
    } catch (err) {
      await queue.close()
      throw new ConfigError(`workers cannot pay into this embedded ledger: ${messageOf(err)} (run with LEDGER_ENABLED=false, or use the Canton backend)`, 'NO_LEDGER_SERVICE')
    }
  }
  const secrets = bundleSecrets(ctx.config, ctx.env)
  const pool = queuedVariants({
    queue,
    host: { store: ctx.store, home: settings.home, config: ctx.config, env: ctx.env },
    snapshot: (r) => buildConfigSnapshot(ctx.config.configDir, r.specFile, secrets),
    ledger: { enabled: settings.ledger.enabled, backend: settings.ledger.backend },
    modelMode: replay ? 'replay' : 'record',
    logger: ctx.logger.child({ component: 'rollouts' }),
  })
  return {
    repo: new SqliteRolloutStore(ctx.store),
    ...(settings.ledger.enabled ? { ledger: ctx.ledger } : {}),
    executor: pool.run,
    lanes: Number.MAX_SAFE_INTEGER,
    logger: ctx.logger.child({ component: 'rollouts' }),
    task: { dbPath: homePaths(settings.home).database, configDir: ctx.config.configDir, env: {}, modelMode: replay ? 'replay' : 'record' },
    close: async () => {
      await pool.close()
      await service?.close()
    },
  }
}
