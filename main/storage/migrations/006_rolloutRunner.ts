import type { Migration } from './types'

/**
 * v6: which process runs a rollout (pid and host name; NULL when none does). A `running`
 * rollout whose runner is gone is shown as interrupted, with the command that resumes it.
 */
export const rolloutRunnerMigration: Migration = {
  version: 6,
  name: 'rollout_runner',
  sql: `
ALTER TABLE rollouts ADD COLUMN runner_pid INTEGER;
ALTER TABLE rollouts ADD COLUMN runner_host TEXT;
`,
}
