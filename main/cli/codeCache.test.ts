import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheFileFor, commandWord, compileWithCodeCache } from '../../bin/codeCache.mjs'
import { tempDir } from '../engine/config/testDirs'
import { groupsFor } from './commandGroups'

// A small CommonJS program: it sees the module wrapper's arguments and exports a value.
const program = (answer: number): string =>
  `const { basename } = require('node:path');\nmodule.exports = { answer: ${answer}, file: basename(__filename), dir: typeof __dirname };\n`

describe('the V8 code cache of the bundled CLI (bin/codeCache.mjs)', () => {
  it('compiles without a cache, saves one, then runs from it with the same result', () => {
    const dir = tempDir({ 'prog.cjs': program(41) })
    const file = join(dir, 'prog.cjs')
    const cacheFile = cacheFileFor(file, join(dir, 'cache'), 'agent')
    const first = compileWithCodeCache(file, cacheFile)
    expect(first.used).toBe(false)
    expect(first.run()).toEqual({ answer: 41, file: 'prog.cjs', dir: 'string' })
    first.save()
    expect(readdirSync(join(dir, 'cache'))).toEqual([cacheFile.split('/').pop()]) // no temp file left behind
    const second = compileWithCodeCache(file, cacheFile)
    expect(second.used).toBe(true)
    expect(second.run()).toEqual({ answer: 41, file: 'prog.cjs', dir: 'string' })
  })

  it('never reuses the cache of an earlier build, even one of the same length', () => {
    const dir = tempDir({ 'prog.cjs': program(41) })
    const file = join(dir, 'prog.cjs')
    const old = cacheFileFor(file, join(dir, 'cache'), 'agent')
    compileWithCodeCache(file, old).save()
    writeFileSync(file, program(42)) // same length, new content
    utimesSync(file, new Date(), new Date(Date.now() + 5_000))
    const fresh = cacheFileFor(file, join(dir, 'cache'), 'agent')
    expect(fresh).not.toBe(old)
    const c = compileWithCodeCache(file, fresh)
    expect(c.used).toBe(false)
    expect(c.run()).toMatchObject({ answer: 42 })
  })

  it('runs normally when the cache is garbage or cannot be written', () => {
    const dir = tempDir({ 'prog.cjs': program(7), 'cache/bad.v8cache': 'not a V8 cache', 'blocker': 'a file, not a folder' })
    const file = join(dir, 'prog.cjs')
    const bad = compileWithCodeCache(file, join(dir, 'cache', 'bad.v8cache'))
    expect(bad.used).toBe(false)
    expect(bad.run()).toMatchObject({ answer: 7 })
    const unwritable = compileWithCodeCache(file, join(dir, 'blocker', 'x.v8cache'))
    expect(() => unwritable.save()).not.toThrow()
    expect(existsSync(join(dir, 'blocker', 'x.v8cache'))).toBe(false)
  })

  it('keys the cache by command group, like the group the CLI loads', () => {
    for (const argv of [['agent', 'list'], ['--home', 'ledger', 'agent', 'list'], ['-c', 'cfg', '--replay', 'ledger', 'balance'], ['restore', 'x.db']]) {
      expect(groupsFor(argv)[0]!.names).toContain(commandWord(argv))
    }
    expect(commandWord([])).toBe('help')
    expect(commandWord(['--version'])).toBe('version')
    expect(commandWord(['--', 'agent'])).toBe('help')
    const dir = tempDir({ 'prog.cjs': program(1) })
    expect(cacheFileFor(join(dir, 'prog.cjs'), dir, '../../etc/passwd')).toMatch(/\/other-\d+-\d+\.v8cache$/)
  })
})

describe('the CLI bundle build (scripts/cliBundle.ts)', () => {
  it('leaves no import() in the bundle, so it still imports when it runs from its code cache', async () => {
    const { build } = await import('esbuild')
    const { cliBundleOptions } = await import('../../scripts/cliBundle')
    const dir = tempDir({
      'lazy.ts': 'export const answer = 42\n',
      'entry.ts': "export const run = async () => [(await import('./lazy')).answer, typeof (await import('node:os')).cpus, import.meta.url.endsWith('/out.cjs')]\n",
    })
    const outfile = join(dir, 'out.cjs')
    await build(cliBundleOptions({ root: dir, entry: join(dir, 'entry.ts'), outfile, external: [] }))
    expect(readFileSync(outfile, 'utf8')).not.toMatch(/[^\w.$]import\(/)
    const cacheFile = join(dir, 'cache', 'c.v8cache')
    const first = compileWithCodeCache(outfile, cacheFile)
    expect(await (first.run() as { run(): Promise<unknown> }).run()).toEqual([42, 'function', true])
    first.save()
    const cached = compileWithCodeCache(outfile, cacheFile)
    expect(cached.used).toBe(true)
    expect(await (cached.run() as { run(): Promise<unknown> }).run()).toEqual([42, 'function', true])
  })
})
