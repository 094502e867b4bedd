import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserInputError } from '../engine/errors'
import { isS3Url, parseS3Url } from '../storage/s3/url'

/** A bundle location that is a URL (`s3://…`, `https://…`), not a local path. */
export const isRemoteLocation = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !/^file:\/\//i.test(s)

function refuseRemote(location: string, flag: string): never {
  throw new UserInputError(`${flag} ${location}: only local files and s3:// locations are bundle locations`, 'BAD_LOCATION')
}

const localPath = (s: string): string => (/^file:\/\//i.test(s) ? new URL(s).pathname : s)

/** The S3 transport (loaded only when a location is `s3://…`: the AWS SDK is large). */
const transfer = () => import('../storage/s3/transfer')

/** Runs `fn` with a path in a fresh private temp folder, removed afterwards whatever happens. */
async function withTempFile<T>(name: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'p2bundle-'))
  try {
    return await fn(join(dir, name))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const baseName = (key: string): string => key.split('/').pop() || 'bundle.p2bundle'

/**
 * Runs `write` with a local file to write the bundle to, then delivers it to `location`: a local
 * path as is; `s3://BUCKET/KEY` via a temp file that is uploaded (AWS_* from `env`) and removed.
 * Returns what `write` returned; for S3 `location` itself is the file's name in messages.
 */
export async function withLocalTarget<T>(location: string, write: (path: string) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (isS3Url(location)) {
    const at = parseS3Url(location)
    return withTempFile(baseName(at.key), async (path) => {
      const r = await write(path)
      await (await transfer()).uploadFile(location, path, { env })
      return r
    })
  }
  if (isRemoteLocation(location)) refuseRemote(location, '--out')
  return write(localPath(location))
}

/**
 * Runs `read` with a local copy of the bundle at `location`: a local path as is; `s3://BUCKET/KEY`
 * downloaded first to a temp file (AWS_* from `env`), removed after `read`.
 */
export async function withLocalSource<T>(location: string, read: (path: string) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (isS3Url(location)) {
    const at = parseS3Url(location)
    return withTempFile(baseName(at.key), async (path) => {
      await (await transfer()).downloadFile(location, path, { env })
      return read(path)
    })
  }
  if (isRemoteLocation(location)) refuseRemote(location, 'bundle')
  return read(localPath(location))
}
