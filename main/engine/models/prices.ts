import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ConfigError, messageOf } from '../errors'
import type { ModelUsage } from '../ports/model'

/** USD per one million tokens. */
export interface Price {
  input: number
  output: number
}

/**
 * Default prices (USD / 1M tokens, OpenAI list prices when written). Keys are `provider/model`;
 * `provider/*` covers every model of a provider. Override or extend with a JSON file of the same
 * shape ({@link loadPriceTable}).
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'openai/gpt-4o': { input: 2.5, output: 10 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai/gpt-4.1': { input: 2, output: 8 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai/gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai/gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'openai/o4-mini': { input: 1.1, output: 4.4 },
  'ollama/*': { input: 0, output: 0 },
  'lmstudio/*': { input: 0, output: 0 },
  'vllm/*': { input: 0, output: 0 },
  'local/*': { input: 0, output: 0 },
}

const PriceFile = z.record(z.string(), z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }))

/**
 * Default prices merged with an optional override file (`{"openai/gpt-4o": {"input": 2.5, "output": 10}}`).
 * @throws ConfigError naming the file and the bad entry.
 */
export function loadPriceTable(overridePath?: string): Record<string, Price> {
  if (!overridePath) return { ...DEFAULT_PRICES }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(overridePath, 'utf8'))
  } catch (err) {
    throw new ConfigError(`${overridePath}: cannot read price table: ${messageOf(err)}`, 'PRICES')
  }
  const parsed = PriceFile.safeParse(raw)
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${overridePath}: ${i.path.join('.') || '(root)'}: ${i.message}; expected {"provider/model": {"input": <USD per 1M>, "output": <USD per 1M>}}`),
      'PRICES',
    )
  }
  return { ...DEFAULT_PRICES, ...parsed.data }
}

/** Cost of one call in USD, or null when the table has no entry for the model. */
export function costOf(prices: Readonly<Record<string, Price>>, modelId: string, usage: ModelUsage): number | null {
  const provider = modelId.split('/')[0]
  const price = prices[modelId] ?? prices[`${provider}/*`]
  if (!price) return null
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000
}
