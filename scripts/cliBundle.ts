// The CLI as one bundled CommonJS file (out/main/cli.cjs), built by `npm run build` next to the
// electron-vite output. bin/p2engine.mjs runs it through a V8 code cache (bin/codeCache.mjs):
// Node 20 has no compile cache for ES modules, and compiling the loaded JavaScript was the
// largest single cost of a cold `p2engine agent list`.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Pure-JavaScript dependencies bundled into the main and CLI builds; every other dependency
 * (native addons, worker-spawning or file-reading packages) stays external and is loaded from
 * node_modules at run time.
 */
export const BUNDLED_DEPS = [
  'commander', 'picocolors', 'cli-table3', 'cli-progress', 'zod', 'yaml', 'dotenv', 'openai', 'openapi-fetch',
  '@opentelemetry/api', 'ws', 'tar', 'rotating-file-stream',
] as const

/** Dependencies bundled into the one-file CLI but external in the electron-vite builds. */
const CLI_ALSO_BUNDLED = new Set(['pino'])

/** Where the bundle and its code caches go, relative to the project root. */
export const CLI_BUNDLE = join('out', 'main', 'cli.cjs')
export const CLI_CACHE_DIR = join('out', 'main', 'cli-cache')

/**
 * Bundles main/cli/index.ts into out/main/cli.cjs (CommonJS, so it can run through `vm.Script`
 * with cached data; `import.meta.url`/`dirname` map to the bundle's own path, which sits beside
 * out/main/cli.js, so file lookups relative to the code find the same files) and removes the code
 * caches of the previous build.
 */
export async function buildCliBundle(root: string): Promise<void> {
  const { build } = await import('esbuild')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const bundled = new Set<string>(BUNDLED_DEPS)
  // pino too (the CLI uses no pino transport, whose worker needs a real file): it and its helpers
  // then come from the code cache instead of ~15 files through the CommonJS loader.
  const external = [...Object.keys(pkg.dependencies).filter((d) => !bundled.has(d) && !CLI_ALSO_BUNDLED.has(d)), 'electron']
  rmSync(join(root, CLI_CACHE_DIR), { recursive: true, force: true })
  await build(cliBundleOptions({ root, entry: join(root, 'main', 'cli', 'index.ts'), outfile: join(root, CLI_BUNDLE), external }))
}

/**
 * The esbuild options of the bundle (exported for its test): CommonJS for Node 20 with
 * `import()` lowered to `require()`, and `import.meta` mapped to the bundle's own path.
 */
export function cliBundleOptions(o: { root: string; entry: string; outfile: string; external: string[] }) {
  return {
    absWorkingDir: o.root,
    entryPoints: [o.entry],
    outfile: o.outfile,
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    // import() becomes require(): a script run from V8 cached data cannot import on Node 20 (see
    // bin/codeCache.mjs). The one import of a file at run time goes through main/engine/importFile.ts.
    supported: { 'dynamic-import': false },
    external: o.external,
    logLevel: 'warning' as const,
    legalComments: 'none' as const,
    // Less source to read and hash on every start; names stay, so stack traces of bugs stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    define: { 'import.meta.url': '__p2eModuleUrl', 'import.meta.dirname': '__dirname' },
    banner: { js: 'const __p2eModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }
}
