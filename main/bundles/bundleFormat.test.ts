import Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from '../cli/commands/cliTestKit'
import { BUNDLE_VERSION } from './format'
import { readBundle, unzip } from './read'
import { zipBundle } from './write'

const FIXTURES = join(import.meta.dirname, 'fixtures')
const homes: CliEnv[] = []
const fresh = (): CliEnv => {
  const e = cliEnv()
  homes.push(e)
  return e
}
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup()
})

describe('bundle format versions', () => {
  it('a format-0 bundle (the first draft) verifies and imports', async () => {
    const b = fresh()
    const file = join(FIXTURES, 'v0-chat.p2bundle')
    expect((await b.run(['bundle', 'verify', file])).out).toMatch(/^OK: v0-chat\.p2bundle verified/)
    const r = await b.run(['bundle', 'import', file])
    expect([r.code, r.err]).toEqual([0, ''])
    expect(r.out).toMatch(/^Imported conversation old-format \(chat_/)
    const stack = JSON.parse((await b.run(['conversation', 'stack', 'old-format', '--n', '0', '--json'])).out) as { entries: { state: { kind: string; text?: string; content?: string } }[] }
    expect(stack.entries[0]!.state).toMatchObject({ kind: 'user_message', text: 'What is the weather in Paris in celsius?' })
    expect(stack.entries.at(-1)!.state.content).toContain('22 °C in Paris')
  })

  it('a format-1 bundle (recordings named no conversation) verifies and imports; its recordings stay untagged', async () => {
    const b = fresh()
    const file = join(FIXTURES, 'v1-chat.p2bundle')
    expect((await b.run(['bundle', 'verify', file])).out).toMatch(/^OK: v1-chat\.p2bundle verified/)
    const r = await b.run(['bundle', 'import', file])
    expect([r.code, r.err, r.out]).toEqual([0, '', expect.stringMatching(/^Imported conversation format-one \(chat_/)])
    const out = join(b.root, 'again.p2bundle')
    expect((await b.run(['bundle', 'export', '--conversation', 'format-one', '--out', out])).code).toBe(0)
    const again = await readBundle(readFileSync(out), 'again')
    expect(again.manifest.version).toBe(BUNDLE_VERSION)
    expect(again.rows.recordings.length).toBeGreaterThan(0)
    expect(again.rows.recordings.map((x) => x.conversation_id)).toEqual(again.rows.recordings.map(() => null))
  })

  it('recordings keep their conversation through export, import and export again (format 2)', async () => {
    const a = fresh()
    await a.run(['chat', 'with', 'agent_alpha', '--name', 'tagged'], { input: ['What is the weather in Paris in celsius?', 'exit'] })
    const file = join(a.root, 'tagged.p2bundle')
    expect((await a.run(['bundle', 'export', '--conversation', 'tagged', '--out', file])).code).toBe(0)
    const first = await readBundle(readFileSync(file), 'tagged')
    const source = first.rows.conversations[0]!.id
    expect(first.rows.recordings.length).toBeGreaterThan(0)
    expect(new Set(first.rows.recordings.map((x) => x.conversation_id))).toEqual(new Set([source]))
    // Imported on another machine and exported again: the recordings still name their conversation.
    const b = fresh()
    expect((await b.run(['bundle', 'import', file])).code).toBe(0)
    const out = join(b.root, 'back.p2bundle')
    expect((await b.run(['bundle', 'export', '--conversation', 'tagged', '--out', out])).code).toBe(0)
    const back = await readBundle(readFileSync(out), 'back')
    expect(back.rows.recordings.map((x) => [x.hash, x.ordinal, x.conversation_id])).toEqual(first.rows.recordings.map((x) => [x.hash, x.ordinal, source]))
    // Entry headers travel as JSON, also the default one a v14 row stores as '' (on both machines).
    const headers = (rows: { header: string }[]) => rows.map((r) => JSON.parse(r.header) as unknown)
    expect(first.rows.entries.every((e) => e.header.startsWith('{'))).toBe(true)
    expect(headers(back.rows.entries)).toEqual(headers(first.rows.entries))
    const db = new Database(join(b.root, 'home', 'p2engine.db'), { readonly: true })
    expect(db.prepare("SELECT COUNT(*) FROM stack_entries WHERE header = ''").pluck().get()).toBeGreaterThan(0)
    db.close()
  })

  it('a bundle from a newer format is refused, naming both versions', async () => {
    const b = fresh()
    const files = await unzip(readFileSync(join(FIXTURES, 'v0-chat.p2bundle')), 'x')
    const manifest = { ...(JSON.parse(files.get('manifest.json')!.toString()) as object), version: BUNDLE_VERSION + 1 }
    files.delete('manifest.json')
    const file = join(b.root, 'future.p2bundle')
    // zipBundle checks v1 manifests; write the future one by hand through the same zip writer.
    const { default: yazl } = await import('yazl')
    const zip = new yazl.ZipFile()
    zip.addBuffer(Buffer.from(JSON.stringify(manifest)), 'manifest.json')
    for (const [n, data] of files) zip.addBuffer(data, n)
    zip.end()
    const chunks: Buffer[] = []
    for await (const c of zip.outputStream) chunks.push(c as Buffer)
    writeFileSync(file, Buffer.concat(chunks))
    for (const cmd of ['verify', 'import', 'inspect']) {
      const r = await b.run(['bundle', cmd, file])
      expect([r.code, r.err]).toEqual([2, `error: bundle future.p2bundle: format version ${BUNDLE_VERSION + 1} is newer than this build reads (version ${BUNDLE_VERSION}); upgrade P2Engine to import it`])
    }
    expect(JSON.parse((await b.run(['conversation', 'list', '--json'])).out)).toEqual([])
  })

  it('a row that breaks its schema is named with entry, line and field', async () => {
    const b = fresh()
    const src = join(b.root, 'src.p2bundle')
    await b.run(['chat', 'with', 'agent_alpha', '--name', 'x'], { input: ['hi', 'exit'] })
    expect((await b.run(['bundle', 'export', '--conversation', 'x', '--out', src])).code).toBe(0)
    const files = await unzip(readFileSync(src), 'x')
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Parameters<typeof zipBundle>[0]
    files.delete('manifest.json')
    const bad = Buffer.from(files.get('branches.jsonl')!.toString().replace('"length":', '"length":"x","was":'))
    const { manifestEntries } = await import('./write')
    files.set('branches.jsonl', bad)
    const entries = [...files.entries()]
    const file = join(b.root, 'bad.p2bundle')
    writeFileSync(file, await zipBundle({ ...manifest, entries: manifestEntries(entries) }, entries))
    const r = await b.run(['bundle', 'verify', file])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^error: bundle bad\.p2bundle: entry branches\.jsonl line 1: length: /)
  })
})

describe('bundle inspect --extract', () => {
  it('writes the bundled config files into an empty folder, and never overwrites', async () => {
    const b = fresh()
    const file = join(FIXTURES, 'v0-chat.p2bundle')
    const dir = join(b.root, 'cfg')
    const r = await b.run(['bundle', 'inspect', file, '--extract', dir])
    expect([r.code, r.err]).toEqual([0, ''])
    expect(r.out).toContain(`Extracted 1 files into ${dir}.`)
    expect(readFileSync(join(dir, 'agents.yml'), 'utf8')).toContain('agent_alpha')
    const again = await b.run(['bundle', 'inspect', file, '--extract', dir])
    expect([again.code, again.err]).toEqual([2, `error: --extract: ${join(dir, 'agents.yml')} exists; extract into an empty folder (nothing was written)`])
  })
})

describe('secrets', () => {
  it('API keys, tokens, Canton JWT secrets and .env values never reach the bundle bytes', async () => {
    const b = fresh()
    const key = 'sk-bundle-test-key-0123456789abcdef'
    const jwt = 'canton-jwt-secret-value-42424242'
    const dotenvToken = 'dotenv-token-value-77777777'
    writeFileSync(b.env.DOTENV_PATH!, `MY_SERVICE_TOKEN=${dotenvToken}\n`)
    // The key also lands in the data: a user pastes it into a message.
    expect((await b.run(['chat', 'with', 'agent_alpha', '--name', 'leaky'], { input: [`my key is ${key} and the jwt ${jwt} and ${dotenvToken}`, 'exit'] })).code).toBe(0)
    const file = join(b.root, 'leaky.p2bundle')
    const withKeys = (await import('../cli/commands/cliTestKit')).runnerFor({ ...b.env, OPENAI_API_KEY: key, CANTON_JWT_SECRET: jwt })
    const r = await withKeys(['bundle', 'export', '--conversation', 'leaky', '--out', file])
    expect([r.code, r.err]).toEqual([0, ''])
    const bytes = readFileSync(file)
    const files = await unzip(bytes, 'leaky')
    for (const secret of [key, jwt, dotenvToken]) {
      expect(bytes.includes(secret)).toBe(false)
      for (const [name, data] of files) expect(data.includes(secret), `${secret} in ${name}`).toBe(false)
    }
    expect(files.get('entries.jsonl')!.toString()).toContain('my key is [Redacted] and the jwt [Redacted] and [Redacted]')
    expect([...files.keys()].some((n) => n.includes('.env'))).toBe(false)
  })
})
