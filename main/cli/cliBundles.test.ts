import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { bundleGroup } from '../../bin/codeCache.mjs'
import { GROUP_BUNDLES, LAZY_BUILTINS, lazyModuleSource } from '../../scripts/cliBundle'
import { tempDir } from '../engine/config/testDirs'
import { COMMAND_GROUPS, groupsFor } from './commandGroups'

/** Runs a CommonJS source with a `require` that records what it loads. */
function runModule(source: string): { exports: Record<string, unknown>; loaded: string[] } {
  const loaded: string[] = []
  const mod = { exports: {} as Record<string, unknown> }
  const req = (name: string): unknown => {
    loaded.push(name)
    return process.getBuiltinModule ? process.getBuiltinModule(name) : require(name)
  }
  vm.runInThisContext(`(function (module, exports, require) {${source}\n})`)(mod, mod.exports, req)
  return { exports: mod.exports, loaded }
}

describe('the per-group CLI bundles (scripts/cliBundle.ts, bin/codeCache.cjs)', () => {
  it('runs a group bundle only for command lines that load that group alone', () => {
    for (const argv of [['ledger', 'balance'], ['--home', 'h', 'ledger'], ['-c', 'cfg', '--replay', 'agent', 'list'], ['ledger', '--help'], ['ledger', 'canton', 'install', '--version', '1']]) {
      expect(groupsFor(argv).map((g) => g.names[0])).toEqual([bundleGroup(argv)])
    }
    for (const argv of [[], ['--help', 'ledger'], ['-h', 'agent'], ['--', 'ledger'], ['--home', 'ledger']]) {
      expect(groupsFor(argv)).toEqual(COMMAND_GROUPS)
      expect(bundleGroup(argv)).toBeNull()
    }
    expect(bundleGroup(['../etc', 'x'])).toBeNull()
  })

  it('declares the same services for each group bundle as the command group does', () => {
    for (const [group, needs] of Object.entries(GROUP_BUNDLES)) {
      expect(COMMAND_GROUPS.find((g) => g.names.includes(group))?.needs).toBe(needs)
    }
  })

  it('loads a lazy built-in only when it is used, through esbuild interop too', () => {
    const zlib = require('node:zlib') as Record<string, unknown>
    const keys = Object.keys(zlib)
    const src = lazyModuleSource('node:zlib', keys, keys.filter((k) => typeof zlib[k] === 'function'))
    const { exports: lazy, loaded } = runModule(src)
    // What esbuild's __toESM does with a required module: copy every key as a getter.
    const copy: Record<string, unknown> = {}
    for (const k of Object.getOwnPropertyNames(lazy)) Object.defineProperty(copy, k, { get: () => lazy[k], enumerable: Object.getOwnPropertyDescriptor(lazy, k)?.enumerable ?? true })
    const gzip = lazy.gzipSync as (b: Buffer) => Buffer
    expect((lazy as { __esModule?: unknown }).__esModule).toBeUndefined()
    expect(loaded).toEqual([])
    expect((zlib.gunzipSync as (b: Buffer) => Buffer)(gzip(Buffer.from('hi'))).toString()).toBe('hi')
    expect(loaded).toEqual(['node:zlib'])
    expect(copy.constants).toBe(zlib.constants)
    expect(LAZY_BUILTINS).toContain('zlib')
  })

  it('keeps a lazy assert callable', () => {
    const { exports: assert, loaded } = runModule(lazyModuleSource('node:assert', ['ok'], ['ok']))
    expect(loaded).toEqual([])
    expect(() => (assert as unknown as (v: unknown, m: string) => void)(false, 'boom')).toThrow('boom')
    expect(loaded).toEqual(['node:assert'])
  })

  it('escapes every non-ASCII character of a bundle without changing what it means', async () => {
    const { asciiOnly } = await import('../../scripts/cliBundle')
    const dir = tempDir({ 'b.cjs': 'module.exports = { re: /^[-*•]\\s/.test("• x"), s: "≥ 2 °C" }\n' })
    const file = join(dir, 'b.cjs')
    asciiOnly(file)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^[\x00-\x7f]*$/)
    expect(runModule(text).exports).toEqual({ re: true, s: '≥ 2 °C' })
  })

  it('prints a table without building process.stdout or loading net, tty or crypto (stdio, colours, lazy built-ins)', async () => {
    const { build } = await import('esbuild')
    const { cliBundleOptions } = await import('../../scripts/cliBundle')
    const root = join(import.meta.dirname, '..', '..')
    const dir = tempDir({
      'entry.ts': [
        `import { guardStdio, writeStdout } from ${JSON.stringify(join(root, 'main/cli/stdio.ts'))}`,
        `import pc from ${JSON.stringify(join(root, 'main/cli/colors.ts'))}`,
        `import { terminalWidth } from ${JSON.stringify(join(root, 'main/cli/tableLayout.ts'))}`,
        `import { newContractId } from ${JSON.stringify(join(root, 'main/storage/ledger/ids.ts'))}`,
        `import ${JSON.stringify(join(root, 'node_modules/dotenv/lib/main.js'))}`,
        'guardStdio()',
        "writeStdout(pc.bold('balance') + ' ' + terminalWidth() + '\\n')",
        "const loaded = ['net', 'tty', 'crypto'].filter((m) => process.moduleLoadList.includes(`NativeModule ${m}`))",
        "writeStdout(JSON.stringify(loaded) + '\\n')",
        "writeStdout(newContractId().slice(0, 2) + ' ' + JSON.stringify(['crypto'].filter((m) => process.moduleLoadList.includes(`NativeModule ${m}`))) + '\\n')",
      ].join('\n'),
    })
    const outfile = join(dir, 'out.cjs')
    await build({ ...cliBundleOptions({ root, entry: join(dir, 'entry.ts'), outfile, external: [] }), logLevel: 'error' })
    const { spawnSync } = await import('node:child_process')
    const r = spawnSync(process.execPath, [outfile], { env: { PATH: process.env.PATH }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    // into a pipe: no colour, the default width; net, tty and crypto never loaded until an id is drawn
    expect([r.stderr, r.stdout]).toEqual(['', 'balance 100\n[]\n00 ["crypto"]\n'])
  })
})
