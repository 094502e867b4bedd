import { createHash } from 'node:crypto'
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type SqliteStore } from '../sqliteStore'
import { inlinePayloads } from '../payloads/inline'
import { createS3Client } from './client'
import { payloadKey, S3PayloadStore } from './payloadStore'
import { startS3rver, type RunningS3 } from './testing/s3rver'
import type { S3Access } from './transfer'

let s3: RunningS3
let access: S3Access
const open: SqliteStore[] = []
beforeAll(async () => {
  s3 = await startS3rver()
  access = createS3Client(s3.env)
})
afterEach(() => {
  for (const st of open.splice(0)) st.close()
})
afterAll(async () => {
  access?.client.destroy()
  await s3?.stop()
})

const settings = { bucket: 'p2engine-test', prefix: 'team/a', thresholdBytes: 100 }
const memStore = (): SqliteStore => {
  const st = openStore(':memory:')
  open.push(st)
  return st
}
const big = (n: number): string => JSON.stringify({ out: 'x'.repeat(n) })
const sha = (t: string) => createHash('sha256').update(t).digest('hex')
const objectText = async (key: string) => {
  const r = await access.client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }))
  return r.Body!.transformToString()
}
const errorOf = (fn: () => unknown) => {
  try {
    fn()
    return null
  } catch (e) {
    return { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message }
  }
}

describe('S3PayloadStore against s3rver', () => {
  it('keeps payloads up to the threshold inline and puts larger ones in the bucket, content-addressed', async () => {
    const st = memStore()
    const p = new S3PayloadStore(st, settings, access.connection)
    expect(p.put('{"small":true}')).toBe('{"small":true}')
    const text = big(200)
    const stored = st.write(() => p.put(text))
    expect(stored).toBe(`\u0000p2blob:sha256:${sha(text)}:${Buffer.byteLength(text)}`)
    expect(p.pending()).toBe(1)
    expect(p.get(stored)).toBe(text) // before the upload: from the outbox
    await p.flush()
    expect(p.pending()).toBe(0)
    expect(payloadKey('team/a', sha(text))).toBe(`team/a/sha256/${sha(text).slice(0, 2)}/${sha(text)}`)
    expect(await objectText(payloadKey('team/a', sha(text)))).toBe(text)
    // Another connection (empty cache, empty outbox) reads it from the bucket.
    const other = new S3PayloadStore(memStore(), settings, access.connection)
    expect(other.get(stored)).toBe(text)
    other.closeNow()
  })

  it('a missing object is one clear error naming bucket and key; a changed one fails its hash', async () => {
    const st = memStore()
    const p = new S3PayloadStore(st, settings, access.connection)
    const text = big(300)
    const stored = st.write(() => p.put(text))
    await p.flush()
    const key = payloadKey('team/a', sha(text))
    await access.client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key }))
    const reader = new S3PayloadStore(memStore(), settings, access.connection)
    expect(errorOf(() => reader.get(stored))).toEqual({
      name: 'StorageError', code: 'STORAGE_IO',
      message: `artifact payload s3://p2engine-test/${key} is missing from bucket "p2engine-test" (key ${key}, ${Buffer.byteLength(text)} bytes): the object was deleted, or S3_BUCKET / S3_PREFIX changed since it was stored`,
    })
    await access.client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: big(301) }))
    expect(errorOf(() => reader.get(stored))).toMatchObject({ name: 'StorageError', code: 'STORAGE_CORRUPT' })
    // The fs driver does not follow pointers: it says which setting reads them.
    expect(errorOf(() => inlinePayloads.get(stored))?.message).toBe(
      `this artifact's payload (sha256 ${sha(text)}, ${Buffer.byteLength(text)} bytes) was stored in S3 by ARTIFACT_DRIVER=s3; set ARTIFACT_DRIVER=s3 with the same S3_BUCKET and S3_PREFIX to read it`,
    )
    reader.closeNow()
  })

  it('an unreachable endpoint loses nothing: payloads wait in the outbox and the next store uploads them', async () => {
    const dead = createS3Client({ ...s3.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' })
    const st = memStore()
    const errors: string[] = []
    const p = new S3PayloadStore(st, settings, dead.connection, { onError: (m) => errors.push(m) })
    const text = big(400)
    const stored = st.write(() => p.put(text))
    await p.flush()
    expect(errors).toEqual([
      `S3 upload of s3://p2engine-test/${payloadKey('team/a', sha(text))}: the endpoint http://127.0.0.1:9 did not answer (ECONNREFUSED); check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and that the server runs (payloads wait in the database and are uploaded later)`,
    ])
    expect([p.pending(), p.get(stored)]).toEqual([1, text])
    // A rolled-back row leaves nothing behind either.
    expect(() => st.write(() => { p.put(big(500)); throw new Error('rollback') })).toThrow('rollback')
    expect(p.pending()).toBe(1)
    // The next run with a live endpoint drains the outbox (here: at close, synchronously).
    const next = new S3PayloadStore(st, settings, access.connection)
    next.closeNow()
    expect(next.pending()).toBe(0)
    expect(await objectText(payloadKey('team/a', sha(text)))).toBe(text)
    dead.client.destroy()
  })

  it('stores a small text that looks like a pointer in the bucket, so it reads back as itself', async () => {
    const st = memStore()
    const p = new S3PayloadStore(st, settings, access.connection)
    const tricky = `\u0000p2blob:sha256:${'0'.repeat(64)}:5`
    const stored = st.write(() => p.put(tricky))
    expect(stored).not.toBe(tricky)
    expect(p.get(stored)).toBe(tricky)
    p.closeNow()
  })
})
