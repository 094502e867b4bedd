import type { PayloadStore } from '../../engine/ports/payloads'
import { SqliteArtifactStore } from '../artifacts/sqliteArtifacts'
import type { SqliteStore } from '../sqliteStore'
import { SqliteStackStore } from './sqliteStacks'

/**
 * Builds the stack store and the artifact store (state artifacts are the stack rows; see
 * `all_artifacts`), on one database; payload texts of both go through `payloads` (default: inline).
 */
export function createStackStorage(store: SqliteStore, now: () => number = Date.now, payloads?: PayloadStore): { stacks: SqliteStackStore; artifacts: SqliteArtifactStore } {
  const artifacts = new SqliteArtifactStore(store, now, payloads)
  return { stacks: new SqliteStackStore(store, artifacts, now), artifacts }
}
