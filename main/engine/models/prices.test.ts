import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors'
import { costOf, DEFAULT_PRICES, loadPriceTable } from './prices'
import { retryAfterMs } from './retry'

describe('prices', () => {
  it('computes cost per model, with provider wildcards; unknown models cost null', () => {
    expect(costOf(DEFAULT_PRICES, 'openai/gpt-4o-mini', { promptTokens: 2_000_000, completionTokens: 1_000_000 })).toBeCloseTo(0.9, 10)
    expect(costOf(DEFAULT_PRICES, 'ollama/llama3.1', { promptTokens: 5, completionTokens: 5 })).toBe(0)
    expect(costOf(DEFAULT_PRICES, 'openai/unknown-model', { promptTokens: 5, completionTokens: 5 })).toBeNull()
  })
  it('an override file extends the defaults; a bad one names file and key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'))
    const good = join(dir, 'good.json')
    writeFileSync(good, JSON.stringify({ 'openai/my-ft': { input: 1, output: 2 } }))
    expect(loadPriceTable(good)['openai/my-ft']).toStrictEqual({ input: 1, output: 2 })
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ 'openai/x': { input: -1, output: 2 } }))
    expect(() => loadPriceTable(bad)).toThrow(ConfigError)
    expect(() => loadPriceTable(bad)).toThrow(`${bad}: openai/x.input: Too small: expected number to be >=0; expected {"provider/model": {"input": <USD per 1M>, "output": <USD per 1M>}}`)
  })
})

describe('retryAfterMs', () => {
  it('reads seconds, ms and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000)
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' }))).toBe(250)
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), () => Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000)
    expect(retryAfterMs(new Headers({}))).toBeUndefined()
  })
})
