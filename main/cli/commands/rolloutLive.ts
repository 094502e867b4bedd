import { liveEventsTarget, openLivePublisher } from '../../compose/liveEvents'
import { withRolloutProgress } from '../../compose/rolloutProgressEvents'
import type { RolloutDeps } from '../../engine/rollouts/runner'
import type { CliContext } from '../context'

type Deps = RolloutDeps & { close: () => Promise<void> }

/**
 * With Redis configured (REDIS_URL / REDIS_* in env or `.env`, config.json `redis`), a rollout run
 * by this CLI process publishes its progress as `rollouts:progressed` on Redis, so `p2engine ui`
 * and the app show it live. Without Redis the deps come back unchanged. Closing the returned deps
 * publishes the final state and disconnects.
 */
export async function liveRolloutEvents(ctx: CliContext, d: Deps, rolloutId: string, flag?: string): Promise<Deps> {
  const warn = (m: string) => ctx.io.err(`warning: ${m}`)
  const target = liveEventsTarget({ config: ctx.config, env: ctx.env, ...(flag ? { flag } : {}), log: warn })
  if (!target) return d
  const pub = await openLivePublisher(target, warn)
  const wrapped = withRolloutProgress(d, rolloutId, (p) => pub.publish('rollouts:progressed', p), warn)
  return {
    ...wrapped,
    close: async () => {
      try {
        await wrapped.close()
      } finally {
        await pub.close()
      }
    },
  }
}
