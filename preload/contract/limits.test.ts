import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { contract } from './index'
import { WS_MAX_PAYLOAD, YAML_MAX_CHARS } from './limits'

type JsonSchema = {
  type?: string; maxLength?: number; maxItems?: number; items?: JsonSchema; properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[]; const?: unknown; enum?: unknown[]
}

/** The most UTF-16 units of string an input of this shape can hold (Infinity when unbounded). */
function maxChars(s: JsonSchema): number {
  const alternatives = s.anyOf ?? s.oneOf ?? s.allOf
  if (alternatives) return Math.max(...alternatives.map(maxChars))
  if (s.enum || s.const !== undefined) return Math.max(0, ...[...(s.enum ?? []), s.const].map((v) => (typeof v === 'string' ? v.length : 0)))
  if (s.type === 'string') return s.maxLength ?? Infinity
  if (s.type === 'array') return s.maxItems === undefined ? Infinity : s.maxItems * maxChars(s.items ?? {})
  if (s.type === 'object' || s.properties) {
    // A record (open keys) holds any number of entries.
    if (typeof s.additionalProperties === 'object') return Infinity
    return Object.values(s.properties ?? {}).reduce((sum, p) => sum + maxChars(p), 0)
  }
  if (s.type === undefined && s.const === undefined && s.enum === undefined) return Infinity // z.unknown()/z.any()
  return 0
}

/** JSON's worst case is six bytes per UTF-16 unit ("\u0001", a lone surrogate); 64 KiB is the envelope. */
const worstFrame = (chars: number): number => 6 * chars + 64 * 1024

describe('contract size limits', () => {
  it('keep the largest legal rollout YAML inside one WebSocket frame, every character escaped', () => {
    expect(worstFrame(YAML_MAX_CHARS)).toBeLessThanOrEqual(WS_MAX_PAYLOAD)
  })

  it('bound every string and array of every invoke input (a .max() from limits.ts)', () => {
    const unbounded = Object.entries(contract.invokes)
      .filter(([, spec]) => !Number.isFinite(maxChars(z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema)))
      .map(([channel]) => channel)
    expect(unbounded).toEqual([])
    // The walk sees what it must: an unbounded string, array, record or unknown is infinite.
    for (const schema of [z.string(), z.array(z.number()), z.record(z.string().max(5), z.number()), z.unknown(), z.object({ a: z.string().max(1), b: z.string() })]) {
      expect(maxChars(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema)).toBe(Infinity)
    }
  })

  it('keep every bounded invoke input inside one WebSocket frame', () => {
    const over = Object.entries(contract.invokes)
      .map(([channel, spec]) => [channel, maxChars(z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema)] as const)
      .filter(([, chars]) => Number.isFinite(chars) && worstFrame(chars) > WS_MAX_PAYLOAD)
    expect(over).toEqual([])
    // The walk sees the YAML limit (so a raised limit would show up above).
    expect(maxChars(z.toJSONSchema(contract.invokes['rollouts:validate'].input, { io: 'input' }) as JsonSchema)).toBeGreaterThanOrEqual(YAML_MAX_CHARS)
  })
})
