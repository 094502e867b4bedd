import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { call, type LedgerApi } from './http'

/** Where `daml/build.sh` puts the Daml 3 model's DAR, relative to the repository / app root. */
export const DAR_RELATIVE_PATH = join('daml', 'v3', '.daml', 'dist', 'p2engine-ledger-1.0.0.dar')
/** The one command that builds the DAR (needs `dpm` or `daml`). */
export const BUILD_DAR_COMMAND = 'sh daml/build.sh'

/** The DAR's file name, also its name in a packaged app's `resources/dar/`. */
export const DAR_FILE = 'p2engine-ledger-1.0.0.dar'

/**
 * Finds the built DAR: `P2ENGINE_DAR` if set, else `daml/v3/.daml/dist/…` under each root, else
 * `dar/p2engine-ledger-1.0.0.dar` in the packaged app's resources. Undefined when there is none.
 */
export function findDar(roots: string[], env: NodeJS.ProcessEnv = process.env, resourcesPath?: string): string | undefined {
  if (env.P2ENGINE_DAR) return existsSync(env.P2ENGINE_DAR) ? resolve(env.P2ENGINE_DAR) : undefined
  for (const root of roots) {
    const p = resolve(root, DAR_RELATIVE_PATH)
    if (existsSync(p)) return p
  }
  if (resourcesPath) {
    const p = resolve(resourcesPath, 'dar', DAR_FILE)
    if (existsSync(p)) return p
  }
  return undefined
}

/** Explains what to do when there is no DAR. */
export function missingDarMessage(roots: string[]): string {
  return `no built Daml model found (looked for ${roots.map((r) => resolve(r, DAR_RELATIVE_PATH)).join(', ')}); ` +
    `build it with \`${BUILD_DAR_COMMAND}\` (needs dpm or daml, see daml/README.md) or set P2ENGINE_DAR to a .dar file`
}

/** Uploads (and vets) a DAR through `POST /v2/dars`; uploading the same DAR again is harmless. */
export async function uploadDar(api: LedgerApi, darPath: string): Promise<void> {
  const bytes = readFileSync(darPath)
  await call('upload DAR', () =>
    api.POST('/v2/dars', {
      params: { query: { vetAllPackages: true } },
      body: bytes as unknown as string,
      bodySerializer: (b: unknown) => b as never,
      headers: { 'Content-Type': 'application/octet-stream' },
    }),
  )
}
