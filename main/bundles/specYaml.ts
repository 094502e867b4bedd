import { isDeepStrictEqual } from 'node:util'
import { parse, stringify } from 'yaml'
import { readLimited } from '../engine/config/readLimited'

/**
 * The YAML text of a stored rollout spec: the spec file as written when it still holds the same
 * spec, else the stored parsed spec rendered as YAML (same data, the author's comments lost).
 */
export function specYamlOf(specFile: string, specJson: string): string {
  const source = (JSON.parse(specJson) as { source?: unknown }).source
  try {
    const r = readLimited(specFile)
    if ('text' in r && isDeepStrictEqual(parse(r.text), source)) return r.text
  } catch {
    // unreadable or not YAML any more: render the stored spec
  }
  return stringify(source ?? {})
}
