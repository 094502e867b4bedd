import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testConfig } from '../../ipc/fixtures'
import { bootstrap } from '../bootstrap'
import { SettingsService } from './settingsService'
import { SafeStorageVault, type SafeStorageLike } from './vault'

let dir: string
const umask = process.umask()
afterEach(() => {
  process.umask(umask)
  rmSync(dir, { recursive: true, force: true })
})
const mode = (p: string): number => statSync(p).mode & 0o777
const xorStorage: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
}

describe('files of the desktop app are private', () => {
  it('settings.json, the key vault and a new home are owner-only even with umask 000', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-private-'))
    process.umask(0)
    const home = join(dir, 'home')
    new SettingsService(testConfig(home), new SafeStorageVault(xorStorage, join(home, 'secrets.bin'))).set({ defaultModel: 'x/y', openaiApiKey: 'sk-x' })
    expect([mode(home), mode(join(home, 'settings.json')), mode(join(home, 'secrets.bin'))]).toEqual([0o700, 0o600, 0o600])
  })

  it('at start a loose home is tightened and the app says so through the config notices', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-private-'))
    const home = join(dir, 'home')
    const first = bootstrap({ host: 'browser', configDir: 'config', env: { P2ENGINE_HOME: home }, autoStartCanton: false })
    await first.close()
    expect(first.services.config.warnings ?? []).not.toContainEqual(expect.stringMatching(/tightened/))
    chmodSync(home, 0o755)
    chmodSync(join(home, 'p2engine.db'), 0o644)
    writeFileSync(join(home, 'notes.txt'), 'x', { mode: 0o664 })
    const runtime = bootstrap({ host: 'browser', configDir: 'config', env: { P2ENGINE_HOME: home }, autoStartCanton: false })
    try {
      expect(runtime.services.config.warnings).toContainEqual(expect.stringMatching(/permissions tightened: .*0755→0700.*p2engine\.db 0644→0600/))
      expect([mode(home), mode(join(home, 'p2engine.db')), mode(join(home, 'notes.txt'))]).toEqual([0o700, 0o600, 0o600])
    } finally {
      await runtime.close()
    }
  })

  it('a database this user cannot write: the app starts read-only and says so through the config notices', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-private-'))
    const home = join(dir, 'home')
    await bootstrap({ host: 'browser', configDir: 'config', env: { P2ENGINE_HOME: home }, autoStartCanton: false }).close()
    chmodSync(dir, 0o755)
    chmodSync(home, 0o555)
    chmodSync(join(home, 'p2engine.db'), 0o444)
    // Root ignores modes: as root, this process acts as nobody for the duration.
    const asRoot = process.geteuid?.() === 0
    if (asRoot) {
      process.setegid!(65534)
      process.seteuid!(65534)
    }
    try {
      const runtime = bootstrap({ host: 'browser', configDir: 'config', env: { P2ENGINE_HOME: home }, autoStartCanton: false })
      expect(runtime.store.readOnly).toBe(true)
      expect(runtime.services.config.warnings).toContain(`the database ${join(home, 'p2engine.db')} is read-only for this user: opened for reading; commands that change data will fail`)
      expect((await runtime.services.ledger.listWallets()).length).toBeGreaterThan(0)
      await runtime.close()
    } finally {
      if (asRoot) {
        process.seteuid!(0)
        process.setegid!(0)
      }
      chmodSync(home, 0o700)
    }
  })
})
