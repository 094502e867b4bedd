import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Artifact, ArtifactHeader } from '../engine/schema/artifacts'
import { cliEnv, type CliEnv } from '../cli/commands/cliTestKit'
import { startS3rver, type RunningS3 } from '../storage/s3/testing/s3rver'

// One s3rver for the file; the bundle's temp files go to a private TMPDIR so the test can see
// that none is left behind (this file runs in its own process).
let s3: RunningS3
let tmp: string
const homes: CliEnv[] = []
const home = (extra: Record<string, string> = {}) => {
  const e = cliEnv()
  Object.assign(e.env, s3.env, extra)
  homes.push(e)
  return e
}
beforeAll(async () => {
  s3 = await startS3rver()
  tmp = mkdtempSync(join(tmpdir(), 'bundles3-tmp-'))
  process.env.TMPDIR = tmp
})
afterAll(async () => {
  for (const h of homes) h.cleanup()
  await s3?.stop()
  rmSync(tmp, { recursive: true, force: true })
})

const POINTER = /^\u0000p2blob:sha256:([0-9a-f]{64}):(\d+)$/
const toolResultState = (e: CliEnv) => {
  const db = new Database(join(e.env.P2ENGINE_HOME!, 'p2engine.db'), { readonly: true })
  try {
    return db.prepare("SELECT state FROM stack_entries WHERE kind = 'tool_result'").pluck().get() as string
  } finally {
    db.close()
  }
}
const ok = async (e: CliEnv, argv: string[], input?: string[]) => {
  const r = await e.run(argv, input ? { input } : undefined)
  expect([r.code, r.err]).toEqual([0, ''])
  return r.out
}
const stack = async (e: CliEnv, name: string) => JSON.parse(await ok(e, ['conversation', 'stack', name, '--n', '0', '--json'])) as unknown
const leftovers = () => readdirSync(tmp).filter((f) => f.startsWith('p2bundle-'))

describe('bundles at s3:// locations (against s3rver)', () => {
  let a: CliEnv
  const url = () => `s3://${s3.bucket}/shared/trip.p2bundle`
  beforeAll(async () => {
    a = home()
    await ok(a, ['chat', 'with', 'agent_alpha', '--name', 'trip'], ['weather in Paris?', 'exit'])
  })

  it('export --out s3://BUCKET/KEY uploads the bundle and prints its address', async () => {
    expect(await ok(a, ['bundle', 'export', '--conversation', 'trip', '--out', url()])).toMatch(new RegExp(`^Exported 1 conversation, .* to ${url()} \\(`))
    expect(leftovers()).toEqual([])
  })

  it('verify and inspect s3://… download it first', async () => {
    expect(await ok(a, ['bundle', 'verify', url()])).toMatch(/^OK: trip\.p2bundle verified/)
    expect(await ok(home(), ['bundle', 'inspect', url()])).toContain('Would import conversation trip')
    expect(leftovers()).toEqual([])
  })

  it('import s3://… into a fresh home: the same conversation; no temp file is left', async () => {
    const b = home()
    expect(await ok(b, ['bundle', 'import', url()])).toMatch(/^Imported conversation trip \(chat_/)
    expect(await stack(b, 'trip')).toEqual(await stack(a, 'trip'))
    expect(leftovers()).toEqual([])
  })

  it('a missing object or bucket is one line naming bucket and key; nothing is imported', async () => {
    const b = home()
    const r = await b.run(['bundle', 'import', `s3://${s3.bucket}/nope.p2bundle`])
    expect([r.code, r.err]).toEqual([2, `error: S3 download of s3://${s3.bucket}/nope.p2bundle: no object with key "nope.p2bundle" in bucket "${s3.bucket}"`])
    const e = await b.run(['bundle', 'export', '--all', '--out', 's3://no-such-bucket/x.p2bundle'])
    expect([e.code, e.err]).toEqual([2, `error: S3 upload of s3://no-such-bucket/x.p2bundle: bucket "no-such-bucket" does not exist at ${s3.endpoint}`])
    const bad = await b.run(['bundle', 'verify', 's3://Bad_Bucket/x'])
    expect([bad.code, bad.err.split('\n').length]).toEqual([2, 1])
    expect(bad.err).toContain('bucket "Bad_Bucket" is not a valid bucket name')
    expect(JSON.parse(await ok(b, ['conversation', 'list', '--json']))).toEqual([])
    expect(readdirSync(tmp).filter((f) => f.startsWith('p2bundle-'))).toEqual([])
  })
})

describe('ARTIFACT_DRIVER=s3 and bundles', () => {
  const s3Home = (prefix: string) => home({ ARTIFACT_DRIVER: 's3', S3_BUCKET: s3.bucket, S3_PREFIX: prefix, S3_THRESHOLD_BYTES: '150' })
  let a: CliEnv
  let file: string
  let ref: string
  let expected: unknown
  const payloadIn = async (e: CliEnv) => (JSON.parse(await ok(e, ['artifact', 'cat', ref, '--json'])) as Artifact).payload
  beforeAll(async () => {
    a = s3Home('src')
    await ok(a, ['chat', 'with', 'agent_alpha', '--name', 't'], ['weather in Paris?', 'exit'])
    file = join(a.root, 't.p2bundle')
  })

  it('export resolves payload pointers: the bundle holds the payload, no pointer', async () => {
    expect(toolResultState(a)).toMatch(POINTER)
    await ok(a, ['bundle', 'export', '--conversation', 't', '--out', file])
    expect(readFileSync(file).includes('p2blob')).toBe(false)
    ref = (JSON.parse(await ok(a, ['artifact', 'show', 't', '--json'])) as ArtifactHeader[]).find((h) => h.stateKind === 'tool_result')!.ref
    expected = await payloadIn(a)
    expect(expected).toMatchObject({ kind: 'tool_result', toolName: 'get_weather', status: 'ok' })
  })

  it('imported into a fresh fs home: the payload is inline and artifact cat shows it', async () => {
    const fs = home()
    await ok(fs, ['bundle', 'import', file])
    expect(toolResultState(fs)).not.toMatch(POINTER)
    expect(await payloadIn(fs)).toEqual(expected)
  })

  let other: CliEnv
  it('imported into another s3 home: the payload goes to its bucket prefix behind a pointer', async () => {
    other = s3Home('dst')
    await ok(other, ['bundle', 'import', file])
    expect(toolResultState(other)).toMatch(POINTER)
    expect(await payloadIn(other)).toEqual(expected)
  })

  it('exported again from that s3 home: the same entries as the original bundle', async () => {
    const again = join(other.root, 'again.p2bundle')
    await ok(other, ['bundle', 'export', '--conversation', 't', '--out', again])
    const { unzip } = await import('./read')
    const [x, y] = [await unzip(readFileSync(file), 'x'), await unzip(readFileSync(again), 'y')]
    expect(y.get('entries.jsonl')!.equals(x.get('entries.jsonl')!)).toBe(true)
  })
})
