import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { ArtifactStorageSettings } from '../../engine/config/types'
import { messageOf } from '../../engine/errors'
import { describeEndpoint, s3ConnectionFrom } from '../s3/connection'
import type { CheckResult } from './doctor'

/** Payloads written with ARTIFACT_DRIVER=s3 that are not yet in the bucket (read-only; 0 without the table). */
function pendingUploads(database: string): number {
  if (!existsSync(database)) return 0
  const db = new Database(database, { readonly: true, fileMustExist: true })
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payload_outbox'").get()
    return has ? (db.prepare('SELECT COUNT(*) FROM payload_outbox').pluck().get() as number) : 0
  } finally {
    db.close()
  }
}

/**
 * The `s3` row of `p2engine doctor` with ARTIFACT_DRIVER=s3: the endpoint answers, the bucket
 * exists and these credentials may use it (HEAD bucket); payloads still waiting for upload warn.
 * Never throws.
 */
export async function checkS3(a: ArtifactStorageSettings, database: string, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const connection = s3ConnectionFrom(env)
  const where = `s3://${a.s3Bucket ?? '?'}/${a.s3Prefix ? `${a.s3Prefix}/` : ''} at ${describeEndpoint(connection)}`
  const started = performance.now()
  try {
    const [{ s3ClientFor }, { checkBucket }] = await Promise.all([import('../s3/client'), import('../s3/transfer')])
    const s3 = s3ClientFor(connection)
    try {
      await checkBucket(s3, a.s3Bucket ?? '')
    } finally {
      s3.client.destroy()
    }
  } catch (err) {
    return { check: 's3', status: 'fail', detail: messageOf(err) }
  }
  const ms = Math.round(performance.now() - started)
  let pending = 0
  try {
    pending = pendingUploads(database)
  } catch {
    // the storage rows above say what is wrong with the database
  }
  const detail = `${where}: bucket answered in ${ms} ms (payloads over ${a.s3ThresholdBytes} bytes go there)`
  return pending
    ? { check: 's3', status: 'warn', detail: `${detail}; ${pending} payload${pending === 1 ? '' : 's'} still waiting in the database for upload (the next chat or artifact command uploads them)` }
    : { check: 's3', status: 'ok', detail }
}
