import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { create } from 'tar'
import { afterEach, describe, expect, it } from 'vitest'
import { discoverCanton } from '../sandbox/discover'
import { inspectArchive } from './archive'
import { installCanton, installedVersions } from './installer'
import { resolveTarget, type CantonPin } from './pins'
import { serveRelease, sha256Of, standInRelease } from './testing/standInRelease'

const closers: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of closers.splice(0)) await c() })
const serve = async (body: Buffer, mode: 'ok' | 'cut' | 'stall' | '404' = 'ok') => {
  const s = await serveRelease(body, mode)
  closers.push(s.close)
  return s.url
}
const standIn = standInRelease
const sha = sha256Of
const freshHome = () => mkdtempSync(join(tmpdir(), 'p2e-home-'))
const leftovers = (home: string) => (existsSync(join(home, 'canton')) ? readdirSync(join(home, 'canton')) : [])
const noJava = { ...process.env, PATH: '/nonexistent', JAVA_HOME: '' }

describe('p2engine ledger canton install (against a local HTTP server)', () => {
  it('good digest: streams, verifies, unpacks under P2ENGINE_HOME/canton/<version>, and discovery finds it', async () => {
    const body = await standIn('9.9.9')
    const url = await serve(body)
    const home = freshHome()
    const phases: string[] = []
    const r = await installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url, sha256: sha(body) }), onProgress: (p) => phases.push(p.phase) })
    expect(r).toMatchObject({ version: '9.9.9', installed: true, sha256: sha(body), bytes: body.length, dir: join(home, 'canton', '9.9.9'), java: { major: null, ok: false, needed: 17 } })
    expect(readFileSync(join(home, 'canton', '9.9.9', 'README.md'), 'utf8')).toBe('stand-in')
    expect(phases[0]).toBe('download')
    expect(phases.slice(-3)).toEqual(['verify', 'unpack', 'done'])
    expect(leftovers(home)).toEqual(['9.9.9'])
    expect(discoverCanton({ PATH: '' }, { home })).toEqual({ kind: 'canton', bin: join(home, 'canton', '9.9.9', 'bin', 'canton'), source: 'INSTALLED', version: '9.9.9' })
    expect(installedVersions(home).map((v) => v.version)).toEqual(['9.9.9'])
    const again = await installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url, sha256: sha(body) }) })
    expect(again.installed).toBe(false)
  })

  it('wrong digest: a named error with both digests, and nothing left behind', async () => {
    const body = await standIn('9.9.9')
    const url = await serve(body)
    const home = freshHome()
    const wrong = 'a'.repeat(64)
    await expect(installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url, sha256: wrong }) })).rejects.toMatchObject({
      code: 'CANTON_DIGEST_MISMATCH', message: expect.stringContaining(`has SHA-256 ${sha(body)}, expected ${wrong}`),
    })
    expect(leftovers(home)).toEqual([])
    expect(discoverCanton({ PATH: '' }, { home })).toBeUndefined()
  })

  it('interrupted download or HTTP error: a named error, and nothing left behind', async () => {
    const body = await standIn('9.9.9')
    const home = freshHome()
    const cut = await serve(body, 'cut')
    await expect(installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url: cut, sha256: sha(body) }) })).rejects.toMatchObject({ code: 'CANTON_DOWNLOAD' })
    expect(leftovers(home)).toEqual([])
    const missing = await serve(body, '404')
    await expect(installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url: missing, sha256: sha(body) }) })).rejects.toMatchObject({ code: 'CANTON_DOWNLOAD', message: expect.stringContaining('HTTP 404') })
    expect(leftovers(home)).toEqual([])
  })

  it('a stalled download times out, and a cancelled one (the app quits) stops at once; nothing left behind', async () => {
    const body = await standIn('9.9.9')
    const home = freshHome()
    const url = await serve(body, 'stall')
    const target = resolveTarget({ version: '9.9.9', url, sha256: sha(body) })
    await expect(installCanton({ home, env: noJava, target, idleTimeoutMs: 200 })).rejects.toMatchObject({ code: 'CANTON_DOWNLOAD', message: expect.stringContaining('stalled for 0 s after') })
    expect(leftovers(home)).toEqual([])
    const abort = new AbortController()
    const running = installCanton({ home, env: noJava, target, signal: abort.signal, onProgress: (p) => { if (p.phase === 'download' && p.received > 0) abort.abort() } })
    await expect(running).rejects.toMatchObject({ code: 'CANTON_DOWNLOAD', message: expect.stringContaining('cancelled after') })
    expect(leftovers(home)).toEqual([])
  })

  it('refuses an archive with a traversal entry or a link out of the tree, before writing anything', async () => {
    const home = freshHome()
    const dotdot = await standIn('9.9.9', (root) => { writeFileSync(join(root, '..', 'evil.txt'), 'x'); return ['../evil.txt'] })
    const url = await serve(dotdot)
    await expect(installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url, sha256: sha(dotdot) }) })).rejects.toMatchObject({
      code: 'CANTON_ARCHIVE_UNSAFE', message: expect.stringContaining('"../evil.txt" climbs out'),
    })
    expect(leftovers(home)).toEqual([])
    expect(existsSync(join(home, 'evil.txt'))).toBe(false)

    const link = await standIn('9.9.9', (root, top) => { symlinkSync('../../../etc/passwd', join(root, top, 'passwd')); return [] })
    const file = join(freshHome(), 'l.tar.gz')
    writeFileSync(file, link)
    await expect(inspectArchive(file)).rejects.toMatchObject({ code: 'CANTON_ARCHIVE_UNSAFE', message: expect.stringContaining('points outside the archive') })
  })

  it('an archive without bin/canton is not a Canton release', async () => {
    const work = mkdtempSync(join(tmpdir(), 'p2e-notcanton-'))
    writeFileSync(join(work, 'hello.txt'), 'hi')
    await create({ gzip: true, cwd: work, file: join(work, 'x.tar.gz') }, ['hello.txt'])
    const body = readFileSync(join(work, 'x.tar.gz'))
    const home = freshHome()
    await expect(installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url: await serve(body), sha256: sha(body) }) })).rejects.toMatchObject({ code: 'CANTON_ARCHIVE' })
    expect(leftovers(home)).toEqual([])
  })
})

describe('the pin table and the overrides', () => {
  const pins: CantonPin[] = [{ version: '1.2.3', url: 'https://example.invalid/c-1.2.3.tar.gz', sha256: 'b'.repeat(64), digestSource: 'test', javaMajor: 17 }]
  it('uses the pin; a mirror keeps the pinned digest; --sha256 replaces it', () => {
    expect(resolveTarget({}, pins)).toEqual({ version: '1.2.3', url: pins[0]!.url, sha256: 'b'.repeat(64), javaMajor: 17, overridden: false })
    expect(resolveTarget({ url: 'http://mirror.local/x.tar.gz' }, pins)).toMatchObject({ url: 'http://mirror.local/x.tar.gz', sha256: 'b'.repeat(64), overridden: true })
    expect(resolveTarget({ sha256: 'C'.repeat(64) }, pins)).toMatchObject({ sha256: 'c'.repeat(64) })
  })
  it('names the bad option and what was expected', () => {
    expect(() => resolveTarget({ sha256: 'xyz' }, pins)).toThrow('--sha256 "xyz" is not a SHA-256 digest (expected 64 hexadecimal characters)')
    expect(() => resolveTarget({ url: 'ftp://x/y' }, pins)).toThrow('--url "ftp://x/y" must be http or https')
    expect(() => resolveTarget({ url: 'not a url' }, pins)).toThrow(/--url "not a url" is not a URL/)
    expect(() => resolveTarget({ version: '2.0.0' }, pins)).toThrow('Canton 2.0.0 is not pinned (pinned: 1.2.3); give both --url and --sha256 to install it')
    expect(() => resolveTarget({ version: '../../x' }, pins)).toThrow(/--version "..\/..\/x" is not a release version/)
  })
})

describe('a packaged app (extra resources)', () => {
  it('finds the bundled Canton and DAR in the resources folder, after the environment and installed releases', async () => {
    const { mkdirSync, chmodSync } = await import('node:fs')
    const { findDar } = await import('../dar')
    const resources = mkdtempSync(join(tmpdir(), 'p2e-resources-'))
    mkdirSync(join(resources, 'canton', 'bin'), { recursive: true })
    writeFileSync(join(resources, 'canton', 'bin', 'canton'), '#!/bin/sh\n')
    chmodSync(join(resources, 'canton', 'bin', 'canton'), 0o755)
    mkdirSync(join(resources, 'dar'))
    writeFileSync(join(resources, 'dar', 'p2engine-ledger-1.0.0.dar'), 'dar')
    const home = freshHome()
    expect(discoverCanton({ PATH: '' }, { home, resourcesPath: resources })).toEqual({ kind: 'canton', bin: join(resources, 'canton', 'bin', 'canton'), source: 'BUNDLED' })
    expect(findDar([home], {}, resources)).toBe(join(resources, 'dar', 'p2engine-ledger-1.0.0.dar'))
    expect(findDar([home], {})).toBeUndefined()
    // An installed release wins over the bundled one (it is newer or chosen by the user).
    const body = await standIn('9.9.9')
    await installCanton({ home, env: noJava, target: resolveTarget({ version: '9.9.9', url: await serve(body), sha256: sha(body) }) })
    expect(discoverCanton({ PATH: '' }, { home, resourcesPath: resources })?.source).toBe('INSTALLED')
  })
})
