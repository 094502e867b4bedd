import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Artifact, ArtifactHeader } from '../../engine/schema/artifacts'
import { createS3Client } from '../../storage/s3/client'
import { startS3rver, type RunningS3 } from '../../storage/s3/testing/s3rver'
import { cliEnv, runnerFor, type CliEnv, type RunResult } from './cliTestKit'

// One chat (in beforeAll: a cold CLI start plus the S3 SDK) read by the tests below, in order;
// the last one deletes the objects.
let s3: RunningS3
let env: CliEnv
let chat: RunResult
beforeAll(async () => {
  s3 = await startS3rver()
  env = cliEnv()
  Object.assign(env.env, s3.env, { ARTIFACT_DRIVER: 's3', S3_BUCKET: s3.bucket, S3_PREFIX: 'runs/a', S3_THRESHOLD_BYTES: '150' })
  chat = await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: ['weather in Paris?'] })
})
afterAll(async () => {
  env?.cleanup()
  await s3?.stop()
})

/** Rows of the CLI's database, read directly. */
function rows<T>(sql: string): T[] {
  const db = new Database(join(env.env.P2ENGINE_HOME!, 'p2engine.db'), { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

async function objectKeys(prefix: string): Promise<string[]> {
  const { client } = createS3Client(s3.env)
  try {
    const r = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))
    return (r.Contents ?? []).map((o) => o.Key!).sort()
  } finally {
    client.destroy()
  }
}

const POINTER = /^\u0000p2blob:sha256:([0-9a-f]{64}):(\d+)$/
const toolResultRow = () => rows<{ kind: string; state: string }>("SELECT kind, state FROM stack_entries WHERE kind = 'tool_result'")[0]!
const toolResultRef = async () => (JSON.parse((await env.run(['artifact', 'show', 't', '--json'])).out) as ArtifactHeader[]).find((h) => h.stateKind === 'tool_result')!.ref

describe('ARTIFACT_DRIVER=s3 (against s3rver)', () => {
  it('a chat keeps its tool output above the threshold in the bucket under PREFIX/sha256/ab/abcdef…, smaller states inline', async () => {
    expect([chat.code, chat.err]).toEqual([0, ''])
    const stored = rows<{ kind: string; state: string }>('SELECT kind, state FROM stack_entries ORDER BY idx')
    expect(toolResultRow().state).toMatch(POINTER)
    expect(stored.find((r) => r.kind === 'user_message')!.state).toContain('weather in Paris?')
    // Every payload reached the bucket before the CLI exited; nothing waits in the outbox.
    expect(rows<{ n: number }>('SELECT COUNT(*) AS n FROM payload_outbox')).toEqual([{ n: 0 }])
    const sha = POINTER.exec(toolResultRow().state)![1]!
    const keys = await objectKeys('runs/a/')
    expect(keys).toContain(`runs/a/sha256/${sha.slice(0, 2)}/${sha}`)
    expect(keys.every((k) => /^runs\/a\/sha256\/([0-9a-f]{2})\/\1[0-9a-f]{62}$/.test(k))).toBe(true)
  })

  it('artifact show and cat read the payload back from the bucket', async () => {
    const ref = await toolResultRef()
    const cat = await env.run(['artifact', 'cat', ref, '--json'])
    expect(cat.code).toBe(0)
    // The header's size is the payload's, not the pointer's.
    const size = Number(POINTER.exec(toolResultRow().state)![2])
    expect((JSON.parse(cat.out) as Artifact).header.rawLen).toBe(size)
    expect(Buffer.byteLength(JSON.stringify((JSON.parse(cat.out) as Artifact).payload))).toBeLessThan(size) // the stored form also has schemaVersion
    expect((JSON.parse(cat.out) as Artifact).payload).toMatchObject({ kind: 'tool_result', toolName: 'get_weather', status: 'ok', arguments: { location: 'Paris' } })
    const human = await env.run(['artifact', 'show', 't'])
    expect([human.code, human.out]).toEqual([0, expect.stringContaining('{"kind":"tool_result","toolCallId"')])
  })

  it('doctor gains an s3 row: the bucket answers, nothing waits for upload', async () => {
    const r = JSON.parse((await env.run(['doctor', '--json'])).out) as { checks: { check: string; status: string; detail: string }[] }
    expect(r.checks.find((c) => c.check === 's3')).toEqual({ check: 's3', status: 'ok', detail: expect.stringContaining(`s3://${s3.bucket}/runs/a/ at ${s3.endpoint}: bucket answered in`) })
  })

  it('a missing object is one line naming bucket and key (exit 8); the fs driver names the setting that reads it', async () => {
    const ref = await toolResultRef()
    const [, sha, size] = POINTER.exec(toolResultRow().state)!
    const { client } = createS3Client(s3.env)
    for (const Key of await objectKeys('runs/a/')) await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key }))
    client.destroy()
    const key = `runs/a/sha256/${sha!.slice(0, 2)}/${sha}`
    const missing = await env.run(['artifact', 'cat', ref])
    expect([missing.code, missing.err]).toEqual([
      8, `error: artifact payload s3://${s3.bucket}/${key} is missing from bucket "${s3.bucket}" (key ${key}, ${size} bytes): the object was deleted, or S3_BUCKET / S3_PREFIX changed since it was stored`,
    ])
    const fs = await runnerFor({ ...env.env, ARTIFACT_DRIVER: 'fs' })(['artifact', 'cat', ref])
    expect([fs.code, fs.err.split('\n').at(-1)]).toEqual([
      8, `error: this artifact's payload (sha256 ${sha}, ${size} bytes) was stored in S3 by ARTIFACT_DRIVER=s3; set ARTIFACT_DRIVER=s3 with the same S3_BUCKET and S3_PREFIX to read it`,
    ])
  })
})
