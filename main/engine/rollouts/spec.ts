import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { formatIssue, formatPath, type ConfigIssue } from '../config/issues'
import { displayPath, readSource } from '../config/load'
import { ConfigError } from '../errors'
import type { EvaluatorRegistry } from '../evals/registry'
import { AgentOverridesSchema, OVERRIDE_KEYS } from '../schema/overrides'
import { RolloutSpecSchema, evalsOf, expandRollout, type ExpandedVariant } from '../schema/rollout'
import { validateParsed } from '../config/issues'

export interface CheckSpecOptions {
  configDir: string
  /** Configured agent ids. */
  agents: readonly string[]
  evaluators: EvaluatorRegistry
  /** Registered tool names. */
  tools: readonly string[]
  /** `--strict-tools`: a variant naming an unknown tool is an error (else it is dropped at run time). */
  strictTools: boolean
}

export interface CheckedSpec {
  file: string
  source: unknown
  variants: ExpandedVariant[]
}

/**
 * Loads and checks a rollout YAML before anything runs: `teams:` present, every variant with
 * an `agent_id` and an initial message, known agents, valid overrides, known evaluators and
 * rubrics, evaluator params, and (with `--strict-tools`) known tools. Every problem names the
 * file, line, team, variant and key.
 * @throws ConfigError listing all problems.
 */
export function loadRolloutSpec(path: string, o: CheckSpecOptions): CheckedSpec {
  const file = displayPath(path)
  const { src, issues } = readSource(path, 'yaml')
  if (!src) throw new ConfigError(issues.map(formatIssue))
  const data = src.data
  if (!src.syntax.length && (!data || typeof data !== 'object' || Array.isArray(data) || !('teams' in data))) {
    throw new ConfigError([`${file}: the top-level key must be \`teams:\` (a mapping of team id → { base, variants, initial_message, eval })`], 'ROLLOUT_SPEC')
  }
  const r = validateParsed(file, src, RolloutSpecSchema)
  if (!r.value) throw new ConfigError(r.issues.map(formatIssue), 'ROLLOUT_SPEC')
  const spec = r.value
  const variants = expandRollout(spec)
  const problems: ConfigIssue[] = []
  const at = (path: (string | number)[], message: string) => problems.push({ file, line: src.lineOf(path), path: formatPath(path), message })
  const known = new Set(o.agents)
  const tools = new Set(o.tools)
  for (const v of variants) {
    const team = spec.teams[v.teamId]!
    const base = Array.isArray(team.variants) ? ['teams', v.teamId, 'variants', v.index] : ['teams', v.teamId, 'variants']
    // Where a key of the merged variant was written: the entry itself, else the team's base.
    const keyPath = (key: string): (string | number)[] =>
      team.base[key] !== undefined && !(Array.isArray(team.variants) && team.variants[v.index]?.[key] !== undefined) ? ['teams', v.teamId, 'base', key] : [...base, key]
    const agentPath = keyPath('agent_id')
    if (!known.has(v.agentId)) at(agentPath, `variant ${v.id}: unknown agent "${v.agentId}"; configured agents: ${o.agents.join(', ')}`)
    const picked = Object.fromEntries(OVERRIDE_KEYS.filter((k) => v.overrides[k] !== undefined).map((k) => [k, v.overrides[k]]))
    const ov = AgentOverridesSchema.safeParse(picked)
    if (!ov.success) for (const i of ov.error.issues) at([...base, ...i.path.map(String)], `variant ${v.id}: ${i.message}`)
    const named = Array.isArray(v.overrides.tools) ? (v.overrides.tools as string[]) : []
    const unknown = named.filter((t) => !tools.has(t))
    if (o.strictTools && unknown.length) at(keyPath('tools'), `variant ${v.id}: unknown tool${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')} (--strict-tools); known: ${[...tools].sort().join(', ')}`)
  }
  for (const [teamId, team] of Object.entries(spec.teams)) {
    evalsOf(team.eval).forEach((e, i) => {
      const path = Array.isArray(team.eval) ? ['teams', teamId, 'eval', i] : ['teams', teamId, 'eval']
      if (!o.evaluators.has(e.evaluator_id)) {
        at([...path, 'evaluator_id'], `unknown evaluator "${e.evaluator_id}"; known: ${o.evaluators.ids().join(', ')}`)
        return
      }
      const rubric = e.rubric?.trim()
      if (rubric && !/\s/.test(rubric) && !['.jinja', '.j2'].some((ext) => existsSync(join(o.configDir, 'evals', 'rubrics', rubric + ext)))) {
        at([...path, 'rubric'], `unknown rubric "${rubric}": expected a file evals/rubrics/${rubric}.jinja in ${o.configDir}, or a multi-line rubric text`)
      }
      for (const p of o.evaluators.get(e.evaluator_id).check?.(e) ?? []) at([...path], `${e.evaluator_id}: ${p}`)
    })
  }
  if (problems.length) throw new ConfigError(problems.map(formatIssue), 'ROLLOUT_SPEC')
  return { file, source: data, variants }
}
