/**
 * Where artifact payload texts live (`ARTIFACT_DRIVER`). The storage adapters call it when they
 * write or read a payload column (stack states, artifact bodies); the engine never does and never
 * asks which driver is on. The composition roots pick the implementation from the settings.
 *
 * Both calls are synchronous because the stores are: `put` runs inside the row's transaction and
 * must make the payload as durable as the row once that transaction commits.
 */
export interface PayloadStore {
  /** `fs` (inline in SQLite) or `s3` (large payloads in a bucket). */
  readonly driver: string
  /** The text to keep in the row: `text` itself, or a pointer to where the payload now lives. */
  put(text: string): string
  /** The payload text of a stored form (a `put` result, or any text written before the driver existed). */
  get(stored: string): string
}
