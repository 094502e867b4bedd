// Example custom tool (see "Writing a tool" in the README). Files in config/tools/ are loaded by
// the CLI, the desktop app and the rollout workers; they run with your user's rights.
//
// Typed alternative: `import { defineTool } from 'p2engine'` and `export default defineTool({...})`.
import { readFileSync } from 'node:fs'

/** The bundled dataset: a small product catalogue, read once when the file is loaded. */
const PRODUCTS = JSON.parse(readFileSync(new URL('./data/products.json', import.meta.url), 'utf8'))

export default {
  name: 'search_database',
  description: 'Search the product catalogue by free text (name, category or tag). Returns matching products with price and stock.',
  // JSON Schema (a zod object works too). Arguments are validated before run() is called; a
  // violation reaches the model as a tool error.
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, description: 'Words to look for, e.g. "waterproof" or "running shoes"' },
      category: { type: 'string', enum: ['footwear', 'apparel', 'gear'], description: 'Only this category' },
      in_stock_only: { type: 'boolean', description: 'Leave out products with no stock' },
      limit: { type: 'integer', minimum: 1, maximum: 20, description: 'At most this many results (default 5)' },
    },
    required: ['query'],
    additionalProperties: false,
  },
  // Same arguments within 5 minutes: the cached result is returned and run() is not called.
  cacheTtl: 300,
  // Reading only: safe to repeat under the strict dedup policy, may run in parallel.
  sideEffectFree: true,
  run({ query, category, in_stock_only = false, limit = 5 }, ctx) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean)
    const hits = PRODUCTS.filter((p) => {
      if (category && p.category !== category) return false
      if (in_stock_only && p.stock === 0) return false
      const text = [p.name, p.category, ...p.tags].join(' ').toLowerCase()
      return words.every((w) => text.includes(w))
    })
    ctx.logger.info('search_database', { query, hits: hits.length, agent: ctx.agentId })
    return { query, total: hits.length, results: hits.slice(0, limit) }
  },
}
