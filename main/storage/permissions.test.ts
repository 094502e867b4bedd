import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tightenedNote, tightenHome } from './permissions'
import { openStore } from './sqliteStore'

let dir: string
const umask = process.umask()
afterEach(() => {
  process.umask(umask)
  rmSync(dir, { recursive: true, force: true })
})

const mode = (p: string): number => statSync(p).mode & 0o777

describe('private state folder', () => {
  it('creates the home 0700 and the database, -wal and -shm 0600 even with umask 000', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-perm-'))
    process.umask(0)
    const home = join(dir, 'a', 'home')
    const store = openStore(join(home, 'p2engine.db'))
    store.db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)')
    expect(existsSync(join(home, 'p2engine.db-wal'))).toBe(true)
    expect([mode(join(dir, 'a')), mode(home), mode(join(home, 'p2engine.db')), mode(join(home, 'p2engine.db-wal')), mode(join(home, 'p2engine.db-shm'))])
      .toEqual([0o700, 0o700, 0o600, 0o600, 0o600])
    store.close()
  })

  it('tightens a loose home and its direct entries (owner bits kept), with one note; a second run changes nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-perm-'))
    const home = join(dir, 'home')
    mkdirSync(join(home, 'logs'), { recursive: true })
    writeFileSync(join(home, 'p2engine.db'), 'x')
    writeFileSync(join(home, 'settings.json'), '{}')
    writeFileSync(join(home, 'tool.sh'), '')
    chmodSync(home, 0o755)
    chmodSync(join(home, 'logs'), 0o775)
    chmodSync(join(home, 'p2engine.db'), 0o644)
    chmodSync(join(home, 'settings.json'), 0o600)
    chmodSync(join(home, 'tool.sh'), 0o755)
    const changed = tightenHome(home)
    expect(changed.map((c) => [c.path.slice(home.length), c.from, c.to]).sort()).toEqual([
      ['', 0o755, 0o700], ['/logs', 0o775, 0o700], ['/p2engine.db', 0o644, 0o600], ['/tool.sh', 0o755, 0o700],
    ].sort())
    expect(mode(join(home, 'settings.json'))).toBe(0o600)
    expect(tightenedNote(home, changed)).toMatch(/^other users could read P2Engine's state; permissions tightened: .*p2engine\.db 0644→0600/)
    expect(tightenHome(home)).toEqual([])
    expect(tightenedNote(home, [])).toBeUndefined()
  })
})
