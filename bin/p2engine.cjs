#!/usr/bin/env node
// The `p2engine` command. Runs the built CLI: out/main/cli.cjs (one bundled file, through a V8
// code cache kept per command group in out/main/cli-cache) when it is at least as new as
// out/main/cli.js, else out/main/cli.js; in a source checkout that was never built, the
// TypeScript sources through tsx. A command line that loads one command group with a bundle of its
// own (out/main/cli-<group>.cjs, e.g. `ledger`) runs that smaller file instead of cli.cjs.
// CommonJS: a `.mjs` launcher would start Node's ES-module loader (~10 ms) before anything runs.
'use strict'
const { existsSync, statSync } = require('node:fs')
const { join } = require('node:path')
const { pathToFileURL } = require('node:url')

const root = join(__dirname, '..')
const outMain = join(root, 'out', 'main')
const built = join(outMain, 'cli.js')
const bundle = join(outMain, 'cli.cjs')
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : -1)

if (mtime(bundle) >= 0 && mtime(bundle) >= mtime(built)) {
  // One cache per command group (the first word): each group compiles different code.
  const { bundleGroup, commandWord, runWithCodeCache } = require('./codeCache.cjs')
  const argv = process.argv.slice(2)
  const group = bundleGroup(argv)
  const own = group === null ? null : join(outMain, `cli-${group}.cjs`)
  // The bundle cannot use import() (see codeCache.cjs): ES modules it loads (custom evaluators) come through here.
  globalThis.__p2engineImport = (url) => import(url)
  // Where the CLI keeps what it learns between runs besides code (custom tool names, see
  // main/compose/toolNameCache.ts); P2ENGINE_CODE_CACHE=off turns every such cache off.
  if (process.env.P2ENGINE_CODE_CACHE !== 'off') globalThis.__p2engineCacheDir = join(outMain, 'cli-cache')
  runWithCodeCache(own !== null && mtime(own) >= mtime(built) ? own : bundle, join(outMain, 'cli-cache'), commandWord(argv))
} else if (existsSync(built)) {
  void import(pathToFileURL(built).href)
} else {
  void import('tsx/esm/api').then(async ({ register }) => {
    register()
    await import(pathToFileURL(join(root, 'main', 'cli', 'index.ts')).href)
  })
}
