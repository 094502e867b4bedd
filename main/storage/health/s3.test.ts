import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../sqliteStore'
import { startS3rver, type RunningS3 } from '../s3/testing/s3rver'
import { checkS3 } from './s3'

let s3: RunningS3
let dir: string
beforeAll(async () => {
  s3 = await startS3rver()
  dir = mkdtempSync(join(tmpdir(), 'p2e-docs3-'))
})
afterAll(async () => {
  await s3?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const settings = (bucket: string) => ({ driver: 's3' as const, s3Bucket: bucket, s3Prefix: 'p', s3ThresholdBytes: 65536 })

describe('doctor: the s3 row (ARTIFACT_DRIVER=s3)', () => {
  it('is ok when the bucket answers, warns about payloads waiting for upload, fails with one line otherwise', async () => {
    const db = join(dir, 'p2engine.db')
    const ok = await checkS3(settings(s3.bucket), db, s3.env)
    expect(ok).toEqual({ check: 's3', status: 'ok', detail: expect.stringMatching(new RegExp(`^s3://${s3.bucket}/p/ at ${s3.endpoint}: bucket answered in \\d+ ms \\(payloads over 65536 bytes go there\\)$`)) })

    const store = openStore(db)
    store.db.exec('CREATE TABLE payload_outbox (sha256 TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, ts INTEGER NOT NULL, body TEXT NOT NULL)')
    store.db.prepare("INSERT INTO payload_outbox VALUES ('ab', 1, 0, 'x')").run()
    store.close()
    expect(await checkS3(settings(s3.bucket), db, s3.env)).toMatchObject({ status: 'warn', detail: expect.stringContaining('; 1 payload still waiting in the database for upload') })

    expect(await checkS3(settings('no-such-bucket'), db, s3.env)).toEqual({
      check: 's3', status: 'fail', detail: `S3 check of s3://no-such-bucket: bucket "no-such-bucket" does not exist at ${s3.endpoint}`,
    })
    expect(await checkS3(settings(s3.bucket), db, { ...s3.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' })).toEqual({
      check: 's3', status: 'fail',
      detail: `S3 check of s3://${s3.bucket}: the endpoint http://127.0.0.1:9 did not answer (ECONNREFUSED); check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and that the server runs`,
    })
  })
})
