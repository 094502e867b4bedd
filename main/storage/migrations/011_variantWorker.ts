import type { Migration } from './types'

/**
 * v11: the scale-out worker that ran a variant (issue 14). NULL for variants run by the process
 * that runs the rollout; the variant tables show it as the "worker" column.
 */
export const variantWorkerMigration: Migration = {
  version: 11,
  name: 'variant_worker',
  sql: `ALTER TABLE rollout_variants ADD COLUMN worker TEXT;`,
}
