import { chmodSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CURRENT_SCHEMA_VERSION, openStore } from '../sqliteStore'
import { MIGRATIONS } from '../migrations'
import { checkStorage, type CheckResult } from './doctor'
import { checkCanton } from './reachability'

let dir: string
let server: Server | undefined
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true })
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  server = undefined
})

const byCheck = (rs: CheckResult[]) => Object.fromEntries(rs.map((r) => [r.check, r]))
const home = () => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-doctor-'))
  const h = join(dir, 'home')
  return { h, db: join(h, 'p2engine.db') }
}

describe('doctor: storage checks', () => {
  it('a healthy database: every check ok, integrity_check by default, quick_check above the size limit', () => {
    const { h, db } = home()
    openStore(db).close()
    const rs = byCheck(checkStorage(h, db))
    expect(Object.keys(rs)).toEqual(['database', 'integrity', 'schema version', 'write-ahead log', 'free disk space', 'permissions'])
    expect(Object.values(rs).map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
    expect(rs.integrity!.detail).toBe('integrity_check: ok')
    expect(rs['schema version']!.detail).toBe(`${CURRENT_SCHEMA_VERSION} (the newest this build knows)`)
    expect(byCheck(checkStorage(h, db, { fullCheckLimit: 1024 })).integrity!.detail).toBe('quick_check: ok (quick check: the file is over 1.0 KB)')
  })

  it('a truncated database fails integrity (reported, not thrown)', () => {
    const { h, db } = home()
    const s = openStore(db)
    s.db.pragma('wal_checkpoint(TRUNCATE)')
    s.close()
    // Cut to half its pages, whatever the page size of a new database.
    truncateSync(db, Math.floor(statSync(db).size / 2))
    const rs = byCheck(checkStorage(h, db))
    expect(rs.integrity).toEqual({ check: 'integrity', status: 'fail', detail: expect.stringMatching(/^the database damaged \(SQLITE_CORRUPT|integrity_check found problems/) })
  })

  it('an older schema warns, a zero-byte file fails, loose permissions warn', () => {
    const { h, db } = home()
    openStore(db, { migrations: MIGRATIONS.slice(0, 2) }).close()
    expect(byCheck(checkStorage(h, db))['schema version']).toEqual({ check: 'schema version', status: 'warn', detail: `2; this build upgrades it to ${CURRENT_SCHEMA_VERSION} on the next command that opens it for writing` })
    chmodSync(h, 0o755)
    expect(byCheck(checkStorage(h, db)).permissions!.status).toBe('warn')
    expect(byCheck(checkStorage(h, db)).permissions!.detail).toMatch(/^other users can read: .*home 0755/)
    writeFileSync(db, '')
    expect(byCheck(checkStorage(h, db)).database!.status).toBe('fail')
  })

  it('a state folder that is a file is a failed check, not a crash', () => {
    const { h } = home()
    writeFileSync(h, 'x')
    const rs = checkStorage(h, join(h, 'p2engine.db'))
    expect(rs.find((r) => r.check === 'permissions')!.status).toBe('fail')
  })
})

describe('doctor: Canton reachability', () => {
  it('ok when the JSON API answers /v2/version; fail naming the URL when nothing listens', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-doctor-'))
    const seen: string[] = []
    server = createServer((req, res) => {
      seen.push(req.url!)
      res.end('{"version":"3.3.0"}')
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    expect(await checkCanton(url)).toEqual({ check: 'canton', status: 'ok', detail: expect.stringMatching(new RegExp(`^${url} answered in \\d+ ms$`)) })
    expect(seen).toEqual(['/v2/version'])
    await new Promise((r) => server!.close(r))
    server = undefined
    expect(await checkCanton(url)).toEqual({ check: 'canton', status: 'fail', detail: `nothing answered at ${url} (ECONNREFUSED); start the sandbox with \`p2engine ledger canton start\` or fix ledger.jsonApiUrl` })
  })
})
