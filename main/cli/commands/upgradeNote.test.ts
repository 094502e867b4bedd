import Database from 'better-sqlite3'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CURRENT_SCHEMA_VERSION } from '../../storage/sqliteStore'
import { cliEnv, type CliEnv } from './cliTestKit'

const FIXTURES = join(import.meta.dirname, '../../../tests/fixtures/db')

let env: CliEnv | undefined
afterEach(() => env?.cleanup())

describe('upgrading an older database', () => {
  it('is announced once, before it runs, naming the file and both schema versions; a new database is not', async () => {
    env = cliEnv()
    const home = env.env.P2ENGINE_HOME!
    const db = join(home, 'p2engine.db')
    mkdirSync(home, { recursive: true, mode: 0o700 })
    const old = new Database(db)
    old.exec(readFileSync(join(FIXTURES, 'v12.sql'), 'utf8'))
    old.close()

    const first = await env.run(['conversation', 'list'])
    expect(first.code).toBe(0)
    expect(first.err).toContain(`upgrading the database ${db} from schema 12 to ${CURRENT_SCHEMA_VERSION} (once; a large database takes a few seconds)`)
    const again = await env.run(['conversation', 'list'])
    expect(again.code).toBe(0)
    expect(again.err).not.toContain('upgrading the database')
    expect(again.out).toBe(first.out)
    expect(first.out).toMatch(/\S/)

    const fresh = cliEnv()
    try {
      const r = await fresh.run(['conversation', 'list'])
      expect(r.code).toBe(0)
      expect(r.err).not.toContain('upgrading the database')
    } finally {
      fresh.cleanup()
    }
  })
})
