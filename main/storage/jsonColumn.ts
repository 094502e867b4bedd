import { z } from 'zod'
import { InternalError } from '../engine/errors'

/**
 * Stored JSON documents carry `schemaVersion`. A column codec knows the current version, a
 * zod schema for it, and one upgrade step per older version, so rows written by any past
 * build still read as the current shape.
 */
export interface JsonColumn<T> {
  readonly version: number
  encode(value: T): string
  decode(text: string): T
}

/**
 * `{"schemaVersion":v, ...value}` as JSON. A plain object without its own `schemaVersion` (every
 * stored document) is stringified as it is and the version written in front of its first key,
 * which spares the copy the spread makes; anything else takes the spread.
 */
function encodeVersioned(version: number, value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype && !('schemaVersion' in value) && !('toJSON' in value)) {
    const body = JSON.stringify(value)
    return body === '{}' ? `{"schemaVersion":${version}}` : `{"schemaVersion":${version},${body.slice(1)}`
  }
  return JSON.stringify({ schemaVersion: version, ...(value as object) })
}

export function defineJsonColumn<S extends z.ZodType>(spec: {
  name: string
  version: number
  schema: S
  /** `upgrades[v]` turns a version-v document into a version-(v+1) document. */
  upgrades?: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>
}): JsonColumn<z.infer<S>> {
  const { name, version, schema, upgrades = {} } = spec
  return {
    version,
    encode: (value) => encodeVersioned(version, value),
    decode(text) {
      let doc = JSON.parse(text) as Record<string, unknown>
      let v = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 1
      if (v > version) throw new InternalError(`${name} document has schemaVersion ${v}, newer than ${version}`)
      while (v < version) {
        const up = upgrades[v]
        if (!up) throw new InternalError(`${name}: no upgrade from schemaVersion ${v}`)
        doc = { ...up(doc), schemaVersion: ++v }
      }
      const parsed = schema.safeParse(doc)
      if (!parsed.success) throw new InternalError(`${name} document does not match its schema: ${parsed.error.message}`)
      return parsed.data
    },
  }
}
