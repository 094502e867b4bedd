import { UserInputError } from '../engine/errors'

/** A bundle location that is a URL (`s3://…`, `https://…`), not a local path. */
export const isRemoteLocation = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !/^file:\/\//i.test(s)

function refuseRemote(location: string, flag: string): never {
  if (/^s3:\/\//i.test(location)) throw new UserInputError(`${flag} ${location}: S3 support is not built in this version; use a local file`, 'S3_NOT_BUILT')
  throw new UserInputError(`${flag} ${location}: only local files and s3:// locations are bundle locations`, 'BAD_LOCATION')
}

const localPath = (s: string): string => (/^file:\/\//i.test(s) ? new URL(s).pathname : s)

/**
 * Runs `write` with a local file to write the bundle to, then delivers it to `location`. The one
 * place remote targets plug in (S3: write to a temp file, then upload); today only local paths.
 */
export async function withLocalTarget<T>(location: string, write: (path: string) => Promise<T>): Promise<T> {
  if (isRemoteLocation(location)) refuseRemote(location, '--out')
  return write(localPath(location))
}

/**
 * Runs `read` with a local copy of the bundle at `location`. The one place remote sources plug in
 * (S3: download to a temp file first); today only local paths.
 */
export async function withLocalSource<T>(location: string, read: (path: string) => Promise<T>): Promise<T> {
  if (isRemoteLocation(location)) refuseRemote(location, 'bundle')
  return read(localPath(location))
}
