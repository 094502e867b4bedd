import { StorageError } from '../../engine/errors'
import type { PayloadStore } from '../../engine/ports/payloads'
import { parsePointer } from './pointer'

/**
 * `ARTIFACT_DRIVER=fs` (the default): payloads stay inline in their SQLite rows, as always. A
 * pointer left by the s3 driver cannot be followed without it: that read fails with a message
 * saying so instead of showing the pointer as the payload.
 */
export const inlinePayloads: PayloadStore = {
  driver: 'fs',
  put: (text) => text,
  get(stored) {
    const p = parsePointer(stored)
    if (!p) return stored
    throw new StorageError(
      'STORAGE_IO', 'S3',
      `this artifact's payload (sha256 ${p.sha256}, ${p.size} bytes) was stored in S3 by ARTIFACT_DRIVER=s3; set ARTIFACT_DRIVER=s3 with the same S3_BUCKET and S3_PREFIX to read it`,
    )
  },
}
