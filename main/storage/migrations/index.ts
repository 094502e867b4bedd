import { ledgerMigration } from './001_ledger'
import { artifactsMigration } from './002_artifacts'
import { stacksMigration } from './003_stacks'
import { runtimeMigration } from './004_runtime'
import { rolloutsMigration } from './005_rollouts'
import { rolloutRunnerMigration } from './006_rolloutRunner'
import { commandNamespacesMigration } from './007_commandNamespaces'
import { stateRowsMigration } from './008_stateRows'
import { modelCallRowsMigration } from './009_modelCallRows'
import { bundlesMigration } from './010_bundles'
import { variantWorkerMigration } from './011_variantWorker'
import { recordingConversationMigration } from './012_recordingConversation'
import { stackKeysMigration } from './013_stackKeys'
import { defaultHeadersMigration } from './014_defaultHeaders'
import { conversationKeysMigration } from './015_conversationKeys'
import { callHeadersMigration } from './016_callHeaders'
import { forkIndexMigration } from './017_forkIndex'
import type { Migration } from './types'

export type { Migration } from './types'

/** Every migration in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [ledgerMigration, artifactsMigration, stacksMigration, runtimeMigration, rolloutsMigration, rolloutRunnerMigration,
  commandNamespacesMigration, stateRowsMigration, modelCallRowsMigration, bundlesMigration, variantWorkerMigration,
  recordingConversationMigration, stackKeysMigration, defaultHeadersMigration, conversationKeysMigration,
  callHeadersMigration, forkIndexMigration]

/** The schema version this build writes. */
export const CURRENT_SCHEMA_VERSION = MIGRATIONS.length
