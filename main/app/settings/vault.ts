import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { ConfigError } from '../../engine/errors'

/** Where API keys live. Never a plain file: the OS keychain (Electron safeStorage) or memory. */
export interface SecretVault {
  readonly kind: 'safeStorage' | 'memory'
  get(name: string): string | undefined
  /** `null` removes the secret. */
  set(name: string, value: string | null): void
}

/** Keys for this process only (the browser host has no keychain). */
export class MemoryVault implements SecretVault {
  readonly kind = 'memory' as const
  private readonly secrets = new Map<string, string>()
  get(name: string): string | undefined {
    return this.secrets.get(name)
  }
  set(name: string, value: string | null): void {
    if (value === null) this.secrets.delete(name)
    else this.secrets.set(name, value)
  }
}

/** The part of Electron's `safeStorage` the vault uses (mocked in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
}

/**
 * Keys encrypted with Electron's safeStorage (OS keychain) into one file (`secrets.bin`):
 * the whole name→key map is encrypted, so nothing readable is ever written.
 */
export class SafeStorageVault implements SecretVault {
  readonly kind = 'safeStorage' as const
  private cache: Map<string, string> | undefined

  constructor(private readonly safeStorage: SafeStorageLike, private readonly file: string) {}

  private load(): Map<string, string> {
    if (this.cache) return this.cache
    this.cache = new Map()
    if (!existsSync(this.file)) return this.cache
    try {
      const parsed = JSON.parse(this.safeStorage.decryptString(readFileSync(this.file))) as Record<string, string>
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') this.cache.set(k, v)
    } catch {
      throw new ConfigError(`${this.file} cannot be decrypted (made by another user or OS keychain?); delete it and enter your API keys again in Settings`, 'SECRETS_UNREADABLE')
    }
    return this.cache
  }

  get(name: string): string | undefined {
    return this.load().get(name)
  }

  set(name: string, value: string | null): void {
    const map = new Map(this.load())
    if (value === null) map.delete(name)
    else map.set(name, value)
    if (map.size === 0) rmSync(this.file, { force: true })
    else {
      const tmp = `${this.file}.tmp`
      writeFileSync(tmp, this.safeStorage.encryptString(JSON.stringify(Object.fromEntries(map))), { mode: 0o600 })
      renameSync(tmp, this.file)
    }
    this.cache = map
  }
}

/** safeStorage when the OS offers encryption, else memory (keys then last for the session only). */
export function pickVault(safeStorage: SafeStorageLike | undefined, file: string): SecretVault {
  return safeStorage?.isEncryptionAvailable() ? new SafeStorageVault(safeStorage, file) : new MemoryVault()
}
