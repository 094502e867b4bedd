import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bootstrap } from '../bootstrap'
import { testConfig } from '../../ipc/fixtures'
import { OPENAI_KEY, SettingsService } from './settingsService'
import { testRedis } from './connectionTests'
import { MemoryVault, pickVault, SafeStorageVault, type SafeStorageLike } from './vault'

const KEY = 'sk-test-SECRET-1234567890abcd'
const homes: string[] = []
const tempHome = () => {
  const h = mkdtempSync(join(tmpdir(), 'p2e-settings-'))
  homes.push(h)
  return h
}
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})

/** A stand-in for Electron's safeStorage: XOR "encryption", so plaintext never appears in the bytes. */
const mockSafeStorage = (available = true): SafeStorageLike & { encryptString: ReturnType<typeof vi.fn> } => ({
  isEncryptionAvailable: vi.fn(() => available),
  encryptString: vi.fn((s: string) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a))),
  decryptString: vi.fn((b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8')),
})

describe('settings', () => {
  it('puts API keys through safeStorage only; settings.json never holds them', () => {
    const home = tempHome()
    const safe = mockSafeStorage()
    const vault = pickVault(safe, join(home, 'secrets.bin'))
    expect(vault.kind).toBe('safeStorage')
    const svc = new SettingsService(testConfig(home), vault)
    const view = svc.set({ openaiApiKey: KEY, baseUrl: 'http://127.0.0.1:11434/v1', defaultModel: 'ollama/llama3', dedupPolicy: 'strict' })
    expect(view).toEqual({
      openaiApiKey: { set: true, hint: '…abcd' },
      baseUrl: 'http://127.0.0.1:11434/v1',
      defaultModel: 'ollama/llama3',
      dedupPolicy: 'strict',
      ledgerBackend: 'embedded',
      redisUrl: '',
      keyStorage: 'safeStorage',
      file: join(home, 'settings.json'),
      restartRequired: true,
    })
    expect(safe.encryptString).toHaveBeenCalledWith(JSON.stringify({ [OPENAI_KEY]: KEY }))
    const json = readFileSync(join(home, 'settings.json'), 'utf8')
    expect(JSON.parse(json)).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', defaultModel: 'ollama/llama3', dedupPolicy: 'strict' })
    expect(json).not.toContain('SECRET')
    expect(readFileSync(join(home, 'secrets.bin')).toString('latin1')).not.toContain('SECRET')
    // A new process reads the key back through safeStorage.
    expect(new SafeStorageVault(safe, join(home, 'secrets.bin')).get(OPENAI_KEY)).toBe(KEY)
    svc.set({ openaiApiKey: null })
    expect(existsSync(join(home, 'secrets.bin'))).toBe(false)
  })

  it('keeps keys in memory when safeStorage is unavailable (browser host)', () => {
    const home = tempHome()
    const vault = pickVault(mockSafeStorage(false), join(home, 'secrets.bin'))
    expect(vault).toBeInstanceOf(MemoryVault)
    const svc = new SettingsService(testConfig(home), vault)
    expect(svc.set({ openaiApiKey: KEY }).keyStorage).toBe('memory')
    expect(existsSync(join(home, 'secrets.bin'))).toBe(false)
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).not.toContain('SECRET')
  })

  it('applies saved settings and the stored key at startup', async () => {
    const home = tempHome()
    const safe = mockSafeStorage()
    new SettingsService(testConfig(home), pickVault(safe, join(home, 'secrets.bin'))).set({ openaiApiKey: KEY, defaultModel: 'ollama/qwen2', dedupPolicy: 'penalty' })
    const runtime = bootstrap({ host: 'electron', configDir: 'config', env: { P2ENGINE_HOME: home }, vault: (h) => pickVault(safe, join(h, 'secrets.bin')) })
    try {
      expect(runtime.services.config.settings.llm).toEqual(expect.objectContaining({ apiKey: KEY, defaultModel: 'ollama/qwen2' }))
      expect(runtime.services.config.settings.dedupPolicy).toBe('penalty')
      expect(runtime.services.settings!.view().restartRequired).toBe(false)
    } finally {
      await runtime.close()
    }
  })

  it('names the file and key of a broken settings.json', () => {
    const home = tempHome()
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ dedupPolicy: 'sometimes' }))
    expect(() => new SettingsService(testConfig(home), new MemoryVault()).view()).toThrow(`${join(home, 'settings.json')}: dedupPolicy: Invalid option`)
  })

  it('tests the model endpoint and Redis with clear results', async () => {
    const svc = new SettingsService(testConfig(tempHome()), new MemoryVault(), async () => false)
    const model = await svc.test('model', 'http://127.0.0.1:9/v1')
    expect(model).toEqual({ target: 'model', url: 'http://127.0.0.1:9/v1', ok: false, ms: expect.any(Number), message: expect.stringContaining('Nothing answered at http://127.0.0.1:9/v1/models') })

    const server = createServer((s) => s.on('data', () => s.write('+PONG\r\n')))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    expect(await testRedis(`redis://127.0.0.1:${port}`)).toEqual({ target: 'redis', url: `redis://127.0.0.1:${port}`, ok: true, ms: expect.any(Number), message: `Redis at 127.0.0.1:${port} answered PONG.` })
    await new Promise<void>((r) => server.close(() => r()))
    expect(await testRedis(`redis://127.0.0.1:${port}`)).toEqual(expect.objectContaining({ ok: false, message: expect.stringContaining('connection refused') }))
    expect(await testRedis('http://nope')).toEqual(expect.objectContaining({ ok: false, message: '"http://nope" is not a Redis URL; expected e.g. redis://127.0.0.1:6379' }))
  })
})
