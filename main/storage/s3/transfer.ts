import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { UserInputError } from '../../engine/errors'
import { createS3Client, describeEndpoint, type S3Connection } from './client'
import { s3ErrorOf, type S3CallSite } from './errors'
import { parseS3Url, type S3Location } from './url'

/** An S3 client with its connection (see `createS3Client`); built from the environment when not given. */
export interface S3Access {
  client: S3Client
  connection: S3Connection
}

const accessOf = (o: { s3?: S3Access; env?: NodeJS.ProcessEnv }): S3Access => o.s3 ?? createS3Client(o.env)

async function call<T>(s3: S3Access, op: S3CallSite['op'], at: S3CallSite['at'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw s3ErrorOf(err, { op, at, endpoint: describeEndpoint(s3.connection) })
  }
}

/**
 * Uploads the local file `localPath` to `s3Url` (`s3://BUCKET/KEY`), streaming it (one PUT, up to
 * S3's 5 GB single-object limit). Returns the address and the byte count.
 */
export async function uploadFile(s3Url: string, localPath: string, o: { s3?: S3Access; env?: NodeJS.ProcessEnv } = {}): Promise<S3Location & { bytes: number }> {
  const at = parseS3Url(s3Url)
  let size: number
  try {
    const st = await stat(localPath)
    if (!st.isFile()) throw new Error('not a file')
    size = st.size
  } catch {
    throw new UserInputError(`cannot upload ${localPath} to ${s3Url}: no such file`, 'NO_SUCH_FILE')
  }
  const s3 = accessOf(o)
  await call(s3, 'upload', at, () =>
    s3.client.send(new PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: createReadStream(localPath), ContentLength: size })),
  )
  return { ...at, bytes: size }
}

/**
 * Downloads `s3Url` to `localPath`, streaming it into a temporary file next to the target that
 * is renamed into place when complete: a failed download leaves no partial file behind.
 */
export async function downloadFile(s3Url: string, localPath: string, o: { s3?: S3Access; env?: NodeJS.ProcessEnv } = {}): Promise<S3Location & { bytes: number }> {
  const at = parseS3Url(s3Url)
  const s3 = accessOf(o)
  const tmp = join(dirname(localPath), `.${basename(localPath)}.${process.pid}.${Date.now()}.part`)
  try {
    await call(s3, 'download', at, async () => {
      const res = await s3.client.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }))
      if (!(res.Body instanceof Readable)) throw new Error('the response has no body')
      await pipeline(res.Body, createWriteStream(tmp, { mode: 0o600 }))
    })
    await rename(tmp, localPath)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  return { ...at, bytes: (await stat(localPath)).size }
}

/** PUT of an in-memory object. */
export async function putObject(s3: S3Access, at: S3Location, body: Buffer | string): Promise<void> {
  await call(s3, 'upload', at, () => s3.client.send(new PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: body })))
}

/** GET of a whole object into memory. */
export async function getObject(s3: S3Access, at: S3Location): Promise<Buffer> {
  return call(s3, 'read', at, async () => {
    const res = await s3.client.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }))
    return Buffer.from(await res.Body!.transformToByteArray())
  })
}

/** Checks that the endpoint answers and `bucket` exists there (HEAD bucket). */
export async function checkBucket(s3: S3Access, bucket: string): Promise<void> {
  await call(s3, 'check', { bucket }, () => s3.client.send(new HeadBucketCommand({ Bucket: bucket })))
}
