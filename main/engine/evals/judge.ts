import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ProviderError } from '../errors'
import type { ChatMessage } from '../ports/model'
import type { ChatMessage as WireMessage } from '../stacks/render'
import { judgeTemplates } from '../templates/agentTemplates'
import { defineEvaluator } from './defineEvaluator'
import type { EvalContext, EvalInput, EvalResult } from './types'

/** behaviour.md §7.3 constants. */
export const JUDGE = {
  version: '0.4',
  defaultModel: 'openai/gpt-4o-mini',
  temperature: 0.5,
  attempts: 3,
  promptVersion: 'v1.0.0',
  defaultRubric: 'Rate the final assistant answer for factual accuracy, completeness and clarity.',
  scoreType: 'float between 0.0 and 1.0',
  scoreDoc: '0 = totally wrong / useless, 1 = perfect',
} as const

const RUBRIC_ID = /^[A-Za-z0-9_-]+$/

/** The judge's answer: `score` in [0, 1], optional `comment`, nothing else. */
export const JudgeResponseSchema = z.strictObject({ score: z.number().min(0).max(1), comment: z.string().optional() })

/**
 * A single-line rubric naming a file `evals/rubrics/<id>.jinja` (or `.j2`) is loaded from it;
 * any other text (one line with spaces included — the original failed on those) is the rubric.
 */
export function resolveRubric(configDir: string, rubric: string | undefined): { text: string; id: string | null } {
  if (rubric === undefined || rubric.trim() === '') return { text: JUDGE.defaultRubric, id: null }
  const line = rubric.trim()
  if (!line.includes('\n') && RUBRIC_ID.test(line)) {
    for (const ext of ['.jinja', '.j2']) {
      const path = join(configDir, 'evals', 'rubrics', line + ext)
      if (existsSync(path)) return { text: readFileSync(path, 'utf8'), id: line }
    }
  }
  return { text: rubric, id: null }
}

/** One compiled template environment per config folder (compiling it per judge call cost more than the call). */
const renderers = new Map<string, ReturnType<typeof judgeTemplates>>()

/** `judge_prompt.j2` rendered with the rubric, plus the per-tool rewards seen in the trajectory. */
export function judgeSystemPrompt(configDir: string, rubric: string, traj: readonly WireMessage[]): string {
  let renderer = renderers.get(configDir)
  if (!renderer) renderers.set(configDir, (renderer = judgeTemplates(configDir)))
  let prompt = renderer.renderTemplate('judge_prompt.j2', {
    rubric, score_type: JUDGE.scoreType, score_doc: JUDGE.scoreDoc, extra_keys: true, template_version: JUDGE.promptVersion,
  })
  const rewards: string[] = []
  for (const m of traj) {
    if (m.role !== 'tool') continue
    try {
      const body = JSON.parse(m.content) as unknown
      const reward = body && typeof body === 'object' ? (body as Record<string, unknown>).reward : undefined
      if (typeof reward === 'number') rewards.push(`- ${m.name}: ${reward.toFixed(2)}`)
    } catch {
      // not JSON: no reward
    }
  }
  if (rewards.length) prompt += `\n\nPer-tool rewards observed:\n${rewards.join('\n')}`
  return prompt
}

/** A trajectory message in the model port's shape (judges send the trajectory after their prompt). */
export const toJudgeMessage = (m: WireMessage): ChatMessage => {
  if (m.role === 'assistant') {
    return m.tool_calls?.length
      ? { role: 'assistant', content: m.content, toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) }
      : { role: 'assistant', content: m.content }
  }
  if (m.role === 'tool') return { role: 'tool', toolCallId: m.tool_call_id, content: m.content }
  return m
}

/** Parses a judge reply: the JSON object, also when wrapped in a ```json fence (the joke rubric asks for one). */
export function parseJudgeReply(raw: string): z.infer<typeof JudgeResponseSchema> {
  const text = (/```(?:json)?\s*([\s\S]*?)```/.exec(raw)?.[1] ?? raw).trim()
  return JudgeResponseSchema.parse(JSON.parse(text))
}

/** One judged sample with the retry-on-invalid-JSON loop (§7.2). */
async function sample(messages: ChatMessage[], model: string, ctx: EvalContext, seed: number): Promise<{ score: number; comment: string; offline: boolean }> {
  const convo = [...messages]
  let lastRaw = ''
  let lastError = ''
  for (let attempt = 1; attempt <= JUDGE.attempts; attempt++) {
    const r = await ctx.models(model).complete({ model, messages: convo, temperature: JUDGE.temperature, seed }, ctx.signal ? { signal: ctx.signal } : {})
    ctx.onModelCall?.({ model: r.model, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens, costUsd: r.costUsd, latencyMs: r.latencyMs, offline: r.offline })
    lastRaw = r.message.content
    try {
      const parsed = parseJudgeReply(lastRaw)
      return { score: parsed.score, comment: parsed.comment ?? '', offline: r.offline }
    } catch (err) {
      lastError = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : String((err as Error).message)
      convo.push({ role: 'assistant', content: lastRaw })
      convo.push({ role: 'system', content: 'Your previous answer was not valid JSON matching the required format. Reply with ONLY the JSON object {"score": <float between 0.0 and 1.0>, "comment": "..."} and nothing else.' })
    }
  }
  throw new ProviderError(`Judge returned invalid JSON after ${JUDGE.attempts} attempts: ${lastError}; last reply: ${lastRaw.slice(0, 200)}`, 'JUDGE_INVALID_JSON')
}

/**
 * `gpt4_judge` v0.4 (§7.3): judge_prompt.j2 with the resolved rubric, the trajectory, a schema-
 * checked JSON answer with up to 3 attempts; `samples: N` asks N times (mean and spread).
 */
export const gpt4Judge = defineEvaluator({
  id: 'gpt4_judge',
  version: JUDGE.version,
  async run(input: EvalInput, ctx: EvalContext): Promise<EvalResult> {
    const rubric = resolveRubric(ctx.configDir, ctx.spec.rubric)
    const system = judgeSystemPrompt(ctx.configDir, rubric.text, input.traj)
    const messages: ChatMessage[] = [{ role: 'system', content: system }, ...input.traj.map(toJudgeMessage)]
    const model = ctx.spec.model ?? JUDGE.defaultModel
    const n = ctx.spec.samples ?? 1
    const results = []
    for (let i = 0; i < n; i++) results.push(await sample(messages, model, ctx, i))
    const scores = results.map((r) => r.score)
    const mean = scores.reduce((a, b) => a + b, 0) / n
    const comment = results[0]!.comment
    return {
      score: mean,
      metrics: { has_comment: comment ? 1 : 0, ...(n > 1 ? { spread: Math.max(...scores) - Math.min(...scores) } : {}) },
      comment,
      offline: results.some((r) => r.offline),
      ...(n > 1 ? { samples: scores, spread: Math.max(...scores) - Math.min(...scores) } : {}),
      judgeModel: model,
      promptVersion: JUDGE.promptVersion,
    }
  },
})
