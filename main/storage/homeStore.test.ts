import Database from 'better-sqlite3'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openHomeStore } from './homeStore'
import { CURRENT_SCHEMA_VERSION } from './sqliteStore'

const FIXTURES = join(import.meta.dirname, '../../tests/fixtures/db')
const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('openHomeStore (app and web host)', () => {
  it('notes the upgrade of an older database once; a new private home has no notes', () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-home-'))
    dirs.push(home)
    const old = new Database(join(home, 'p2engine.db'))
    old.exec(readFileSync(join(FIXTURES, 'v12.sql'), 'utf8'))
    old.close()
    const first = openHomeStore(home)
    first.store.close()
    expect(first.notes).toContain(`the database ${join(home, 'p2engine.db')} was upgraded from schema 12 to ${CURRENT_SCHEMA_VERSION} when it was opened (once)`)
    const again = openHomeStore(home)
    again.store.close()
    expect(again.notes).toEqual([])

    const parent = mkdtempSync(join(tmpdir(), 'p2e-home-'))
    dirs.push(parent)
    const fresh = join(parent, 'home')
    mkdirSync(fresh, { mode: 0o700 })
    const created = openHomeStore(fresh)
    created.store.close()
    expect(created.notes).toEqual([])
  })
})
