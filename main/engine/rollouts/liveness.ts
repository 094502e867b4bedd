import { hostname } from 'node:os'
import type { RolloutRecord, RolloutRunner, RolloutStatus } from './types'

/** This process as a rollout runner. */
export const thisRunner = (): RolloutRunner => ({ pid: process.pid, host: hostname() })

/**
 * Whether the recorded runner process still exists. A pid written on another machine cannot be
 * checked and counts as alive; `kill(pid, 0)` failing with EPERM means it exists (another user).
 */
export function runnerAlive(runner: RolloutRunner | null): boolean {
  if (!runner) return false
  if (runner.host !== hostname()) return true
  try {
    process.kill(runner.pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** What a user is shown: a `running` rollout that no live process runs is `interrupted`. */
export type RolloutState = RolloutStatus | 'interrupted'

export function rolloutState(r: Pick<RolloutRecord, 'status' | 'runner'>, alive: (runner: RolloutRunner | null) => boolean = runnerAlive): RolloutState {
  return r.status === 'running' && !alive(r.runner) ? 'interrupted' : r.status
}

/** Another live process runs it (not this one: a `--nowait` child is claimed for before it starts). */
export function runByAnother(r: Pick<RolloutRecord, 'status' | 'runner'>, alive: (runner: RolloutRunner | null) => boolean = runnerAlive): boolean {
  const me = thisRunner()
  if (r.runner && r.runner.pid === me.pid && r.runner.host === me.host) return false
  return rolloutState(r, alive) === 'running'
}

/** The command that continues an interrupted rollout. */
export const resumeCommand = (id: string): string => `p2engine rollout resume ${id}`
