import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3rver, type RunningS3 } from './testing/s3rver'
import { downloadFile, uploadFile } from './transfer'
import { isS3Url, parseS3Url } from './url'

let s3: RunningS3
let dir: string
beforeAll(async () => {
  s3 = await startS3rver()
  dir = mkdtempSync(join(tmpdir(), 's3t-'))
})
afterAll(async () => {
  await s3?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const failure = async (p: Promise<unknown>) => p.then(() => null, (e: Error & { code?: string }) => ({ name: e.name, code: e.code, message: e.message }))

describe('S3 addresses', () => {
  it('parses s3://BUCKET/KEY and names what is wrong otherwise', () => {
    expect(isS3Url('s3://b/k')).toBe(true)
    expect(isS3Url('/tmp/x.p2bundle')).toBe(false)
    expect(parseS3Url('s3://my-bucket/runs/a b.p2bundle')).toEqual({ bucket: 'my-bucket', key: 'runs/a b.p2bundle' })
    const bad = (u: string) => { try { parseS3Url(u); return '' } catch (e) { return (e as Error).message } }
    expect(bad('http://x/y')).toBe('"http://x/y" is not an S3 address: expected s3://BUCKET/KEY')
    expect(bad('s3:///key')).toBe('"s3:///key" has no bucket: expected s3://BUCKET/KEY')
    expect(bad('s3://bucket')).toBe('"s3://bucket" has no object key: expected s3://BUCKET/KEY (a key naming a file, not a folder)')
    expect(bad('s3://bucket/dir/')).toBe('"s3://bucket/dir/" has no object key: expected s3://BUCKET/KEY (a key naming a file, not a folder)')
    expect(bad('s3://Bad_Bucket/k')).toBe('"s3://Bad_Bucket/k": bucket "Bad_Bucket" is not a valid bucket name: expected 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit')
  })
})

describe('uploadFile / downloadFile against s3rver', () => {
  it('round-trips a file byte for byte', async () => {
    const src = join(dir, 'in.bin')
    const bytes = Buffer.alloc(300_000)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff
    writeFileSync(src, bytes)
    const url = `s3://${s3.bucket}/bundles/in.p2bundle`
    expect(await uploadFile(url, src, { env: s3.env })).toEqual({ bucket: s3.bucket, key: 'bundles/in.p2bundle', bytes: 300_000 })
    const out = join(dir, 'out.bin')
    expect(await downloadFile(url, out, { env: s3.env })).toEqual({ bucket: s3.bucket, key: 'bundles/in.p2bundle', bytes: 300_000 })
    expect(readFileSync(out).equals(bytes)).toBe(true)
  })

  it('maps errors to one line naming bucket and key, and leaves no partial file', async () => {
    const out = join(dir, 'missing.bin')
    expect(await failure(downloadFile(`s3://${s3.bucket}/nope.p2bundle`, out, { env: s3.env }))).toEqual({
      name: 'UserInputError', code: 'S3_NO_SUCH_KEY', message: `S3 download of s3://${s3.bucket}/nope.p2bundle: no object with key "nope.p2bundle" in bucket "${s3.bucket}"`,
    })
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([])
    expect(await failure(downloadFile('s3://no-such-bucket/k', out, { env: s3.env }))).toEqual({
      name: 'UserInputError', code: 'S3_NO_SUCH_BUCKET', message: `S3 download of s3://no-such-bucket/k: bucket "no-such-bucket" does not exist at ${s3.endpoint}`,
    })
    const src = join(dir, 'small.txt')
    writeFileSync(src, 'hello')
    expect(await failure(uploadFile('s3://no-such-bucket/k', src, { env: s3.env }))).toMatchObject({ code: 'S3_NO_SUCH_BUCKET' })
    expect(await failure(uploadFile(`s3://${s3.bucket}/k`, join(dir, 'absent.txt'), { env: s3.env }))).toEqual({
      name: 'UserInputError', code: 'NO_SUCH_FILE', message: `cannot upload ${join(dir, 'absent.txt')} to s3://${s3.bucket}/k: no such file`,
    })
    const noKeys = { ...s3.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }
    expect(await failure(uploadFile(`s3://${s3.bucket}/k`, src, { env: noKeys }))).toEqual({
      name: 'ConfigError', code: 'S3_CREDENTIALS', message: `S3 upload of s3://${s3.bucket}/k: no AWS credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    })
    const dead = { ...s3.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' }
    expect(await failure(uploadFile(`s3://${s3.bucket}/k`, src, { env: dead }))).toEqual({
      name: 'ConfigError', code: 'S3_UNREACHABLE',
      message: `S3 upload of s3://${s3.bucket}/k: the endpoint http://127.0.0.1:9 did not answer (ECONNREFUSED); check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and that the server runs`,
    })
  })
})
