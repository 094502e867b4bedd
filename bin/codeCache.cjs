// Runs a CommonJS file through `vm.Script` with a V8 code cache, the way Node 22's compile cache
// would (Node 20 has none): the first run of a command compiles as usual and, when the process
// exits, saves V8's code for every function it compiled; later runs of that command deserialize
// it instead of parsing and compiling again. CommonJS, so the `p2engine` launcher (bin/p2engine.cjs)
// starts without Node's ES-module loader; bin/codeCache.mjs re-exports it for ES modules.
'use strict'
const Module = require('node:module')
const { createRequire } = Module
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs')
const { dirname, join } = require('node:path')
const vm = require('node:vm')

/**
 * The cache file for `file` and `key`. It names the file's size and modification time: V8 checks
 * only the source length and its own version and flags before accepting a cache, so a rebuilt
 * file of the same length must not find the old cache.
 */
function cacheFileFor(file, cacheDir, key) {
  const st = statSync(file)
  const safeKey = /^[a-z][a-z0-9-]{0,31}$/.test(key) ? key : 'other'
  return join(cacheDir, `${safeKey}-${st.size}-${Math.trunc(st.mtimeMs)}.v8cache`)
}

/**
 * Compiles the CommonJS `file` (wrapped like a module) with the cached data in `cacheFile`, if
 * any (null: no cache). `used` says whether V8 accepted it; `save()` writes the code compiled so far (atomically:
 * a concurrent run reads the old cache or the whole new one). A cache that cannot be read or
 * written (read-only install, full disk) only costs the speed-up.
 */
function compileWithCodeCache(file, cacheFile) {
  let cachedData
  try {
    cachedData = cacheFile === null ? undefined : readFileSync(cacheFile)
  } catch {
    cachedData = undefined
  }
  // The bundles are ASCII-only (scripts/cliBundle.ts asciiOnly), so latin1 reads the same text
  // without UTF-8 decoding (~4 ms of a 1 MB bundle here).
  const script = new vm.Script(Module.wrap(readFileSync(file, 'latin1')), {
    filename: file,
    cachedData,
    // No importModuleDynamically: on Node 20 a script compiled from cached data loses it
    // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the file must not call import() itself
    // (scripts/cliBundle.ts lowers it to require; bin/p2engine.mjs provides one for ES modules).
  })
  const save = () => {
    if (cacheFile === null) return
    try {
      mkdirSync(dirname(cacheFile), { recursive: true })
      const tmp = `${cacheFile}.${process.pid}.tmp`
      writeFileSync(tmp, script.createCachedData())
      renameSync(tmp, cacheFile)
    } catch {
      // no cache this time
    }
  }
  const run = () => {
    const mod = { exports: {}, filename: file, id: '.', loaded: false }
    script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file))
    return mod.exports
  }
  return { used: cachedData !== undefined && !script.cachedDataRejected, save, run }
}

/**
 * Runs the CommonJS `file` as the main program with the code cache `cacheDir/<key>-…`, writing
 * the cache when the process exits if there was none or V8 rejected it. Returns whether a cache
 * was used. `P2ENGINE_CODE_CACHE=off` runs without reading or writing one.
 */
function runWithCodeCache(file, cacheDir, key) {
  const off = process.env.P2ENGINE_CODE_CACHE === 'off'
  const c = compileWithCodeCache(file, off ? null : cacheFileFor(file, cacheDir, key))
  if (!c.used && !off) process.once('exit', c.save)
  c.run()
  return c.used
}

/** Global options of `p2engine` that take a value (as in main/cli/commandGroups.ts). */
const VALUE_OPTIONS = new Set(['-c', '--config', '--home', '--ledger-backend'])

/**
 * The cache key of a `p2engine` command line: its first word (the command group, whose code the
 * run compiles), skipping global options and their values; `version` for `-V`/`--version` before
 * it (that run compiles almost nothing); `help` when there is none.
 */
function commandWord(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') break
    if (a === '-V' || a === '--version') return 'version'
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++
      continue
    }
    return a
  }
  return 'help'
}

/**
 * The command group a `p2engine` command line loads alone, by its first word, or null when it
 * loads every group (no command word, or `-h`/`--help`/`--` before it): the same rule as
 * `groupsFor` in main/cli/commandGroups.ts, so a group's own bundle runs only when that group is
 * all the command needs. Only lowercase words can name a bundle file.
 */
function bundleGroup(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--' || a === '-h' || a === '--help') return null
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++
      continue
    }
    return /^[a-z]{1,32}$/.test(a) ? a : null
  }
  return null
}

module.exports = { cacheFileFor, compileWithCodeCache, runWithCodeCache, commandWord, bundleGroup }
