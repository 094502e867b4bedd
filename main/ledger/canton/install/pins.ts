import { UserInputError } from '../../../engine/errors'

/** One pinned open-source Canton release: where to get it and the SHA-256 it must have. */
export interface CantonPin {
  version: string
  url: string
  /** Lower-case hex SHA-256 of the archive; required: an install never runs unverified. */
  sha256: string
  /** Where the digest comes from, shown by `ledger canton install --list`. */
  digestSource: string
  /** The lowest Java major version this release runs on. */
  javaMajor: number
}

/**
 * The releases `p2engine ledger canton install` knows, newest first. Digital Asset publishes the
 * open-source bundle on the daml repository's GitHub releases without a separate checksum file;
 * the digest below is the one two independent public package definitions pin for the same URL
 * (a Homebrew formula in hex, a Nix expression in base32; both decode to the same bytes).
 */
export const CANTON_PINS: readonly CantonPin[] = [
  {
    version: '3.4.9',
    url: 'https://github.com/digital-asset/daml/releases/download/v3.4.9/canton-open-source-3.4.9.tar.gz',
    sha256: 'c0dc46caee5e96198239737765f7874346c3f311ec1b2f4a6cbea4bbea66d8e8',
    digestSource: 'Homebrew formula canton@3.4.9 and a Nix fetchurl of the same URL (agree)',
    javaMajor: 17,
  },
]

/** What to install: a pin, optionally with a mirror URL and/or another digest. */
export interface InstallTarget {
  version: string
  url: string
  sha256: string
  javaMajor: number
  /** True when `--url` or `--sha256` replaced the pinned values. */
  overridden: boolean
}

const HEX64 = /^[0-9a-f]{64}$/
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,99}$/

/**
 * Resolves `--version`, `--url` and `--sha256` against the pin table. A mirror URL keeps the
 * pinned digest (it serves the same file); a version that is not pinned needs both overrides.
 */
export function resolveTarget(o: { version?: string; url?: string; sha256?: string }, pins: readonly CantonPin[] = CANTON_PINS): InstallTarget {
  const version = o.version ?? pins[0]!.version
  if (!VERSION.test(version)) throw new UserInputError(`--version "${version}" is not a release version (expected e.g. ${pins[0]!.version})`)
  const pin = pins.find((p) => p.version === version)
  if (o.url !== undefined) {
    let u: URL
    try { u = new URL(o.url) } catch { throw new UserInputError(`--url "${o.url}" is not a URL (expected http(s)://…/canton-open-source-<version>.tar.gz)`) }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UserInputError(`--url "${o.url}" must be http or https`)
  }
  const sha256 = o.sha256?.toLowerCase()
  if (sha256 !== undefined && !HEX64.test(sha256)) throw new UserInputError(`--sha256 "${o.sha256}" is not a SHA-256 digest (expected 64 hexadecimal characters)`)
  if (!pin && (o.url === undefined || sha256 === undefined)) {
    throw new UserInputError(`Canton ${version} is not pinned (pinned: ${pins.map((p) => p.version).join(', ')}); give both --url and --sha256 to install it`)
  }
  return {
    version,
    url: o.url ?? pin!.url,
    sha256: sha256 ?? pin!.sha256,
    javaMajor: pin?.javaMajor ?? 17,
    overridden: o.url !== undefined || sha256 !== undefined,
  }
}
