import { z } from 'zod'
import { formatFixed, parseDecimal } from '../ledger/decimal'
import type { TeamEval } from '../schema/rollout'
import { defineEvaluator } from './defineEvaluator'
import type { EvalInput, Evaluator } from './types'

/** Checks params with a zod schema; the problems name the key and the expected value. */
function paramCheck(schema: z.ZodType) {
  return (spec: TeamEval): string[] => {
    const r = schema.safeParse(spec.params ?? {})
    return r.success ? [] : r.error.issues.map((i) => `params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`)
  }
}
const paramsOf = <T>(schema: z.ZodType<T>, spec: TeamEval): T => schema.parse(spec.params ?? {})
const bool = (ok: boolean) => ({ score: ok ? 1 : 0 })

const ContainsParams = z.strictObject({ text: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'expected a text or a non-empty list of texts' }), case_sensitive: z.boolean().default(false) })
/** `contains`: the final answer contains the text (each of the texts: score = fraction found). */
export const containsEvaluator = defineEvaluator({
  id: 'contains', version: '1.0', check: paramCheck(ContainsParams),
  run(input, { spec }) {
    const p = paramsOf(ContainsParams, spec)
    const texts = Array.isArray(p.text) ? p.text : [p.text]
    const hay = p.case_sensitive ? input.answer : input.answer.toLowerCase()
    const found = texts.filter((t) => hay.includes(p.case_sensitive ? t : t.toLowerCase())).length
    return { score: found / texts.length, metrics: { found } }
  },
})

const RegexParams = z.strictObject({ pattern: z.string().min(1).refine((s) => { try { new RegExp(s); return true } catch { return false } }, 'not a valid regular expression'), flags: z.string().default('') })
/** `regex`: the final answer matches the pattern. */
export const regexEvaluator = defineEvaluator({
  id: 'regex', version: '1.0', check: paramCheck(RegexParams),
  run(input, { spec }) {
    const p = paramsOf(RegexParams, spec)
    return bool(new RegExp(p.pattern, p.flags).test(input.answer))
  },
})

const JsonSchemaParams = z.strictObject({ schema: z.record(z.string(), z.unknown()) })
/** `json_schema`: the final answer (or its fenced JSON block) is JSON matching the schema. */
export const jsonSchemaEvaluator = defineEvaluator({
  id: 'json_schema', version: '1.0', check: paramCheck(JsonSchemaParams),
  run(input, { spec }) {
    const p = paramsOf(JsonSchemaParams, spec)
    const text = /```(?:json)?\s*([\s\S]*?)```/.exec(input.answer)?.[1] ?? input.answer
    let value: unknown
    try {
      value = JSON.parse(text.trim())
    } catch {
      return { score: 0, comment: 'answer is not JSON' }
    }
    const r = z.fromJSONSchema(p.schema as never).safeParse(value)
    return r.success ? { score: 1 } : { score: 0, comment: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') }
  },
})

const ToolCalledParams = z.strictObject({ tool: z.string().min(1), min: z.int().min(1).default(1), ok_only: z.boolean().default(true) })
/** `tool_called`: the root called the tool at least `min` times (successfully, by default). */
export const toolCalledEvaluator = defineEvaluator({
  id: 'tool_called', version: '1.0', check: paramCheck(ToolCalledParams),
  run(input, { spec }) {
    const p = paramsOf(ToolCalledParams, spec)
    const calls = input.toolCalls.filter((c) => c.name === p.tool && (!p.ok_only || c.status === 'ok')).length
    return { score: calls >= p.min ? 1 : 0, metrics: { calls } }
  },
})

const LedgerDeltaParams = z.strictObject({
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  amount: z.union([z.number().positive(), z.string().min(1)]).transform(String).optional(),
  /** Exactly this many matching transfers (default: at least one). */
  count: z.int().min(0).optional(),
})
/** `ledger_delta`: did the expected transfer happen inside the variant's conversation? */
export const ledgerDeltaEvaluator = defineEvaluator({
  id: 'ledger_delta', version: '1.0', check: paramCheck(LedgerDeltaParams),
  run(input: EvalInput, { spec }) {
    const p = paramsOf(LedgerDeltaParams, spec)
    const want = p.amount === undefined ? null : parseDecimal(p.amount, 'params.amount')
    const matching = input.transfers.filter((t) =>
      (!p.from || t.from === p.from) && (!p.to || t.to === p.to) && (want === null || parseDecimal(t.amount) === want))
    const ok = p.count === undefined ? matching.length >= 1 : matching.length === p.count
    const moved = matching.reduce((s, t) => s + parseDecimal(t.amount), 0n)
    return { score: ok ? 1 : 0, metrics: { transfers: matching.length, amount: Number(formatFixed(moved, 2)) } }
  },
})

const CostParams = z.strictObject({ usd: z.number().nonnegative() })
/** `cost_under`: the variant's model cost (judges excluded) stayed under the limit. */
export const costUnderEvaluator = defineEvaluator({
  id: 'cost_under', version: '1.0', check: paramCheck(CostParams),
  run: (input, { spec }) => ({ ...bool(input.costUsd < paramsOf(CostParams, spec).usd), metrics: { cost_usd: input.costUsd } }),
})

const LatencyParams = z.strictObject({ ms: z.number().positive() })
/** `latency_under`: the variant's wall time stayed under the limit. */
export const latencyUnderEvaluator = defineEvaluator({
  id: 'latency_under', version: '1.0', check: paramCheck(LatencyParams),
  run: (input, { spec }) => ({ ...bool(input.wallMs < paramsOf(LatencyParams, spec).ms), metrics: { wall_ms: input.wallMs } }),
})

export const DETERMINISTIC_EVALUATORS: readonly Evaluator[] = [
  containsEvaluator, regexEvaluator, jsonSchemaEvaluator, toolCalledEvaluator, ledgerDeltaEvaluator, costUnderEvaluator, latencyUnderEvaluator,
]
