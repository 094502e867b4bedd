import { homePaths } from '../engine/paths'
import { readOnlyNote, tightenedNote, tightenHome, upgradeNote } from './permissions'
import { openStore, type SqliteStore } from './sqliteStore'

/**
 * Opens the state folder's database for a long-running host (the app, the web UI host): the
 * folder is first made private to this user, and what the user should know comes back as notes
 * (the folder was tightened, the database was upgraded to this build's schema, it is read-only).
 */
export function openHomeStore(home: string): { store: SqliteStore; notes: string[] } {
  const tightened = tightenedNote(home, tightenHome(home))
  let upgraded: string | undefined
  const store = openStore(homePaths(home).database, { onUpgrade: (u) => void (upgraded = upgradeNote(u, true)) })
  const notes = [tightened, upgraded, store.readOnly ? readOnlyNote(store.location) : undefined].filter((n): n is string => Boolean(n))
  return { store, notes }
}
