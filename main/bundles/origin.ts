import type Database from 'better-sqlite3'

/** Where an imported conversation or rollout came from. */
export interface BundleOrigin {
  bundleFile: string
  sourceMachine: string
  /** Its id in the bundle (differs from the local id when that was taken). */
  sourceId: string
  /** ms since the epoch. */
  importedAt: number
}

/** The origin of an imported conversation or rollout; null for local work. */
export function originOf(db: Database.Database, kind: 'conversation' | 'rollout', localId: string): BundleOrigin | null {
  const row = db
    .prepare('SELECT bundle_file AS bundleFile, source_machine AS sourceMachine, source_id AS sourceId, imported_at AS importedAt FROM bundle_origins WHERE kind = ? AND local_id = ?')
    .get(kind, localId) as BundleOrigin | undefined
  return row ?? null
}

/** One line for `show` commands: `imported from bundle F (machine M, at T; id there: X)`. */
export function describeOrigin(o: BundleOrigin, localId: string): string {
  const at = new Date(o.importedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return `imported from bundle ${o.bundleFile} (machine ${o.sourceMachine}, ${at}${o.sourceId !== localId ? `; id there: ${o.sourceId}` : ''})`
}
