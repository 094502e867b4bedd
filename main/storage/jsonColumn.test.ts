import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJsonColumn } from './jsonColumn'

const column = defineJsonColumn({ name: 'doc', version: 3, schema: z.record(z.string(), z.unknown()) })
const spread = (v: unknown): string => JSON.stringify({ schemaVersion: 3, ...(v as object) })

describe('defineJsonColumn encode', () => {
  it('writes schemaVersion first, then the document, exactly as a spread copy would', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const values: unknown[] = [
      {},
      { kind: 'user_message', text: 'Zürich → 22 °C "quoted" \\ \n', meta: null },
      { a: undefined, b: 1 },
      { nested: { deep: [1, { x: 'y' }] }, list: [] },
      { schemaVersion: 1, kind: 'older' },
      { toJSON: () => ({ replaced: true }) },
      Object.assign(Object.create(null), { bare: 1 }),
      new Point(2),
    ]
    for (const v of values) expect(column.encode(v as Record<string, unknown>)).toBe(spread(v))
  })

  it('reads back what it wrote', () => {
    const doc = { kind: 'tool_result', result: { t: 22 }, list: [1, 2] }
    expect(column.decode(column.encode(doc))).toStrictEqual({ schemaVersion: 3, ...doc })
  })
})
