#!/usr/bin/env node
// The `p2engine` command. Runs the built CLI: out/main/cli.cjs (one bundled file, through a V8
// code cache kept per command group in out/main/cli-cache) when it is at least as new as
// out/main/cli.js, else out/main/cli.js; in a source checkout that was never built, the
// TypeScript sources through tsx.
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outMain = join(root, 'out', 'main')
const built = join(outMain, 'cli.js')
const bundle = join(outMain, 'cli.cjs')
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : -1)

if (mtime(bundle) >= 0 && mtime(bundle) >= mtime(built)) {
  // One cache per command group (the first word): each group compiles different code.
  const { commandWord, runWithCodeCache } = await import('./codeCache.mjs')
  // The bundle cannot use import() (see codeCache.mjs): ES modules it loads (custom evaluators) come through here.
  globalThis.__p2engineImport = (url) => import(url)
  runWithCodeCache(bundle, join(outMain, 'cli-cache'), commandWord(process.argv.slice(2)))
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(root, 'main', 'cli', 'index.ts')).href)
}
