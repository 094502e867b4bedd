import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { isKnownTool, unknownPersona, unknownTools, type RefChoices } from '../config/agentRefs'
import { formatPath, type ConfigIssue } from '../config/issues'
import { AgentOverridesSchema, OVERRIDE_KEYS } from '../schema/overrides'
import type { EvaluatorRegistry } from '../evals/registry'
import { DEFAULT_MAX_VARIANTS, deepMerge, TeamEvalSchema, type RolloutSpec } from '../schema/rollout'

/**
 * The checks of a rollout YAML that need more than its own text: agents, personas, tools,
 * evaluators and rubrics it names. They run on the raw parsed data, so a spec with schema errors
 * still gets every other problem reported in the same run.
 */

/** What a spec may refer to. */
export interface SpecRefOptions extends RefChoices {
  configDir: string
  /** Configured agent ids; null when they are unknown (a broken agents file): not checked. */
  agents: readonly string[] | null
  /** Evaluator ids (the registry). */
  evaluators: Pick<EvaluatorRegistry, 'has' | 'ids' | 'get'>
  /** `--strict-tools`: a variant naming an unknown tool is an error, else a warning (the tool is left out). */
  strictTools: boolean
  /** Teams with more variants are not checked here (the schema reports them); default {@link DEFAULT_MAX_VARIANTS}. */
  maxVariants?: number
}

type Plain = Record<string, unknown>
type Path = (string | number)[]
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)

/** One variant before validation: the merged keys and where each was written. */
interface RawVariant {
  /** YAML `id` when the entry has one, else the positional `v000`. */
  name: string
  merged: Plain
  /** Where `key` was written: the entry itself, else the team's base (list form), the grid key (dict form). */
  keyPath(key: string): Path
}

function rawVariants(teamId: string, team: Plain, maxVariants: number): RawVariant[] {
  const base = isPlain(team.base) ? team.base : {}
  const position = (i: number) => `v${String(i).padStart(3, '0')}`
  const basePath = (key: string): Path => ['teams', teamId, 'base', key]
  if (Array.isArray(team.variants)) {
    return team.variants.map((entry, i) => {
      const e = isPlain(entry) ? entry : {}
      const id = e.id
      return {
        name: typeof id === 'string' || typeof id === 'number' ? String(id) : position(i),
        merged: deepMerge(base, e),
        keyPath: (key) => (e[key] === undefined && base[key] !== undefined ? basePath(key) : ['teams', teamId, 'variants', i, key]),
      }
    })
  }
  if (!isPlain(team.variants)) return []
  const grid = Object.entries(team.variants).filter((kv): kv is [string, unknown[]] => Array.isArray(kv[1]) && kv[1].length > 0)
  // Counted before expanding: a grid over the cap is reported by the schema, never expanded.
  if (grid.reduce((n, [, values]) => n * values.length, 1) > maxVariants) return []
  let combos: Plain[] = [{}]
  for (const [key, values] of grid) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })))
  const gridKeys = new Set(grid.map(([k]) => k))
  return combos.map((c, i) => ({
    name: position(i),
    merged: deepMerge(base, c),
    keyPath: (key) => (gridKeys.has(key) ? ['teams', teamId, 'variants', key] : basePath(key)),
  }))
}

/**
 * Every dangling reference of a parsed rollout YAML. Duplicate problems (one bad base value
 * shared by all variants) are reported once.
 * @param spec the schema-valid spec, when it was; enables the checks that need typed values.
 */
export function checkSpecRefs(
  data: unknown,
  spec: RolloutSpec | undefined,
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  o: SpecRefOptions,
): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = []
  const warnings: ConfigIssue[] = []
  const seen = new Set<string>()
  const add = (to: ConfigIssue[], path: Path, message: string) => {
    const issue = { file, line: lineOf(path), path: formatPath(path), message }
    const key = `${issue.path}\u0000${message}`
    if (!seen.has(key)) to.push(issue)
    seen.add(key)
  }
  const teams = isPlain(data) && isPlain(data.teams) ? data.teams : {}
  const known = o.agents ? new Set(o.agents) : null
  const tools = new Set(o.tools)
  for (const [teamId, rawTeam] of Object.entries(teams)) {
    if (!isPlain(rawTeam)) continue
    for (const v of rawVariants(teamId, rawTeam, o.maxVariants ?? DEFAULT_MAX_VARIANTS)) {
      const { merged } = v
      // A value written in one entry names that variant (the key path names the team); one in
      // base or a grid key is shared by several variants and reported once.
      const who = (key: string) => (typeof v.keyPath(key)[3] === 'number' ? `variant ${v.name}: ` : '')
      if (known && typeof merged.agent_id === 'string' && !known.has(merged.agent_id)) {
        add(issues, v.keyPath('agent_id'), `${who('agent_id')}unknown agent "${merged.agent_id}"; configured agents: ${[...known].join(', ')}`)
      }
      if (typeof merged.behavior_template === 'string' && merged.behavior_template && !o.personas.includes(merged.behavior_template)) {
        add(issues, v.keyPath('behavior_template'), `${who('behavior_template')}${unknownPersona(merged.behavior_template, o)}`)
      }
      const named = Array.isArray(merged.tools) ? merged.tools.filter((t): t is string => typeof t === 'string') : []
      const unknown = named.filter((t) => !isKnownTool(t, o, tools))
      if (unknown.length && o.strictTools) add(issues, v.keyPath('tools'), `${who('tools')}${unknownTools(unknown, o)} (--strict-tools)`)
      else if (unknown.length) add(warnings, v.keyPath('tools'), `${who('tools')}${unknownTools(unknown, o)}; ${who('tools') ? 'the variant runs' : 'these variants run'} without ${unknown.length > 1 ? 'them' : 'it'} (--strict-tools makes this an error)`)
      if (spec) {
        const picked = Object.fromEntries(OVERRIDE_KEYS.filter((k) => merged[k] !== undefined).map((k) => [k, merged[k]]))
        const ov = AgentOverridesSchema.safeParse(picked)
        if (!ov.success) for (const i of ov.error.issues) add(issues, v.keyPath(String(i.path[0])), `${who(String(i.path[0]))}${i.message}`)
      }
    }
    const evals = Array.isArray(rawTeam.eval) ? rawTeam.eval : rawTeam.eval === undefined ? [] : [rawTeam.eval]
    evals.forEach((e, i) => {
      if (!isPlain(e) || typeof e.evaluator_id !== 'string') return
      const path: Path = Array.isArray(rawTeam.eval) ? ['teams', teamId, 'eval', i] : ['teams', teamId, 'eval']
      if (!o.evaluators.has(e.evaluator_id)) {
        add(issues, [...path, 'evaluator_id'], `unknown evaluator "${e.evaluator_id}"; known: ${o.evaluators.ids().join(', ')}`)
        return
      }
      const rubric = typeof e.rubric === 'string' ? e.rubric.trim() : ''
      if (rubric && !/\s/.test(rubric) && !['.jinja', '.j2'].some((ext) => existsSync(join(o.configDir, 'evals', 'rubrics', rubric + ext)))) {
        add(issues, [...path, 'rubric'], `unknown rubric "${rubric}": expected a file evals/rubrics/${rubric}.jinja in ${o.configDir}, or a multi-line rubric text`)
      }
      const parsed = TeamEvalSchema.safeParse(e)
      if (!parsed.success) return // the schema reports it
      for (const p of o.evaluators.get(e.evaluator_id).check?.(parsed.data) ?? []) add(issues, path, `${e.evaluator_id}: ${p}`)
    })
  }
  return { issues, warnings }
}
