import { rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../engine/config/testDirs'
import { loadHostTools } from './customTools'
import { toolNameCache } from './toolNameCache'

const TOOL = (name: string) => `export default { name: '${name}', description: 'd', parameters: { type: 'object', properties: {} }, run: () => 'ok' }\n`

describe('custom tool names remembered between CLI runs', () => {
  it('serves the names without importing the files until one under tools/ changes, is added or is removed', () => {
    // a file that would fail if imported: the remembered names are used instead
    const config = tempDir({ 'tools/never.mjs': 'export default {', 'tools/data/rows.json': '[]' })
    const cache = join(tempDir(), 'cli-cache')
    toolNameCache(cache, config).put(['remembered'])
    const hit = loadHostTools(config, { names: toolNameCache(cache, config) })
    expect([hit.names.includes('remembered'), hit.problems]).toEqual([true, []])
    // a helper or data file changes: the files are imported again (and the broken one reported)
    writeFileSync(join(config, 'tools', 'data', 'rows.json'), '[1]')
    const miss = loadHostTools(config, { names: toolNameCache(cache, config) })
    expect([miss.names.includes('remembered'), miss.problems.join('\n')]).toEqual([false, expect.stringMatching(/never\.mjs/)])
    // an added or a removed file counts as a change too
    const names = toolNameCache(cache, config)
    names.put(['again'])
    expect(names.get()).toEqual(['again'])
    writeFileSync(join(config, 'tools', 'extra.mjs'), TOOL('extra'))
    expect(names.get()).toBeUndefined()
    names.put(['again'])
    rmSync(join(config, 'tools', 'extra.mjs'))
    expect(names.get()).toBeUndefined()
    // a changed time alone too
    names.put(['again'])
    utimesSync(join(config, 'tools', 'never.mjs'), new Date('2026-01-01'), new Date('2026-01-01'))
    expect(names.get()).toBeUndefined()
  })

  it('loads and remembers good files on a miss', () => {
    const config = tempDir({ 'tools/alpha.mjs': TOOL('alpha') })
    const cache = join(tempDir(), 'cli-cache')
    expect(loadHostTools(config, { names: toolNameCache(cache, config) }).names).toContain('alpha')
    expect(toolNameCache(cache, config).get()).toEqual(['alpha'])
  })

  it('does not remember a load with problems, and a cache it cannot write only costs the speed-up', () => {
    const config = tempDir({ 'tools/bad.mjs': 'export default {' })
    const cacheRoot = tempDir()
    const cache = join(cacheRoot, 'c')
    expect(loadHostTools(config, { names: toolNameCache(cache, config) }).problems).toHaveLength(1)
    expect(toolNameCache(cache, config).get()).toBeUndefined()
    const blocked = join(cacheRoot, 'file')
    writeFileSync(blocked, 'not a folder')
    const ok = tempDir({ 'tools/a.mjs': TOOL('a') })
    expect(loadHostTools(ok, { names: toolNameCache(join(blocked, 'sub'), ok) }).names).toContain('a')
  })
})
