import { ConfigError } from '../errors'
import type { Evaluator } from './types'

const ID = /^[A-Za-z0-9_.-]+$/

/**
 * Declares an evaluator. Validated here, so a bad definition fails when it is loaded, not in the
 * middle of a rollout. Custom evaluators in `config/evaluators/*.{js,mjs,ts}` default-export one
 * (or an array of them).
 * @example export default defineEvaluator({ id: 'short', version: '1', run: ({ answer }) => ({ score: answer.length < 200 ? 1 : 0 }) })
 */
export function defineEvaluator(e: Evaluator): Evaluator {
  const problems: string[] = []
  if (typeof e?.id !== 'string' || !ID.test(e.id)) problems.push(`id: got ${JSON.stringify(e?.id)}, expected letters, digits, _ . -`)
  if (typeof e?.version !== 'string' || e.version === '') problems.push(`version: got ${JSON.stringify(e?.version)}, expected a non-empty string`)
  if (typeof e?.run !== 'function') problems.push('run: expected a function (input, ctx) => { score }')
  if (problems.length) throw new ConfigError(problems.map((p) => `evaluator ${String(e?.id)}: ${p}`), "BAD_EVALUATOR")
  return Object.freeze({ ...e })
}
