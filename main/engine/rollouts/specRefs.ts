import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { isKnownTool, unknownPersona, unknownTools, type RefChoices } from '../config/agentRefs'
import { formatPath, type ConfigIssue } from '../config/issues'
import { AgentOverridesSchema, OVERRIDE_KEYS } from '../schema/overrides'
import type { EvaluatorRegistry } from '../evals/registry'
import { DEFAULT_MAX_VARIANTS, deepMerge, TeamEvalSchema, VARIANT_KEYS, type RolloutSpec } from '../schema/rollout'

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

/**
 * Whether a tool named in a variant exists: the one lookup of rollout specs, so a registry with
 * more sources (custom tools, MCP servers) plugs in here.
 */
export function toolExists(name: string, o: Pick<RefChoices, 'tools' | 'toolPrefixes'>, known: ReadonlySet<string>): boolean {
  return isKnownTool(name, o, known)
}

/** Variant keys the engine acts on; any other key is carried along as a parameter with no effect. */
export const EFFECTIVE_VARIANT_KEYS: ReadonlySet<string> = new Set([...Object.keys(VARIANT_KEYS), ...OVERRIDE_KEYS])

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
  /** Unknown tool → where it is first named and the variants naming it (one problem per tool). */
  const missingTools = new Map<string, { path: Path; variants: string[] }>()
  /** Keys with no effect on the engine → where first written (one warning per rollout). */
  const inert = new Map<string, Path>()
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
      for (const t of named.filter((n) => !toolExists(n, o, tools))) {
        const at = missingTools.get(t) ?? { path: v.keyPath('tools'), variants: [] }
        if (!at.variants.includes(`${teamId}/${v.name}`)) at.variants.push(`${teamId}/${v.name}`)
        missingTools.set(t, at)
      }
      for (const key of Object.keys(merged)) if (!EFFECTIVE_VARIANT_KEYS.has(key) && !inert.has(key)) inert.set(key, v.keyPath(key))
      if (spec) {
        const picked = Object.fromEntries(OVERRIDE_KEYS.filter((k) => merged[k] !== undefined).map((k) => [k, merged[k]]))
        const ov = AgentOverridesSchema.safeParse(picked)
        if (!ov.success) for (const i of ov.error.issues) add(issues, v.keyPath(String(i.path[0])), `${who(String(i.path[0]))}${i.message}`)
      }
    }
    const evals = Array.isArray(rawTeam.eval) ? rawTeam.eval : rawTeam.eval === undefined ? [] : [rawTeam.eval]
    for (const p of feedbackLoopIssues(evals.map((e) => (isPlain(e) ? e : {})))) {
      add(issues, [...(Array.isArray(rawTeam.eval) ? ['teams', teamId, 'eval', p.index] : ['teams', teamId, 'eval']), p.key], p.message)
    }
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
  for (const [tool, at] of missingTools) {
    const teamsOf = new Set(at.variants.map((n) => n.slice(0, n.indexOf('/'))))
    const names = teamsOf.size > 1 ? at.variants : at.variants.map((n) => n.slice(n.indexOf('/') + 1))
    const which = `named by ${at.variants.length > 1 ? 'variants' : 'variant'} ${names.join(', ')}`
    if (o.strictTools) add(issues, at.path, `${unknownTools([tool], o)}; ${which} (--strict-tools)`)
    else add(warnings, at.path, `${unknownTools([tool], o)}; ${which}, which run${at.variants.length > 1 ? '' : 's'} without it (--strict-tools makes this an error)`)
  }
  if (inert.size) {
    const keys = [...inert.keys()]
    add(warnings, [...inert.values()][0]!, `variant parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')} ${keys.length > 1 ? 'have' : 'has'} no effect on the engine: kept as variant parameters and shown in the configuration table (keys with an effect: ${[...EFFECTIVE_VARIANT_KEYS].filter((k) => k !== 'id').join(', ')})`)
  }
  return { issues, warnings }
}

/** Problems of a team's feedback-loop settings (one evaluator drives the loop; its keys need `feedback_loop: true`). */
export function feedbackLoopIssues(evals: readonly Plain[]): { index: number; key: string; message: string }[] {
  const out: { index: number; key: string; message: string }[] = []
  const loops = evals.map((e, i) => [e, i] as const).filter(([e]) => e.feedback_loop === true)
  for (const [, i] of loops.slice(1)) out.push({ index: i, key: 'feedback_loop', message: `only one evaluator of a team can drive the feedback loop (evaluator ${loops[0]![1] + 1} already does)` })
  evals.forEach((e, i) => {
    if (e.feedback_loop === true) return
    for (const key of ['max_rounds', 'target_score']) {
      if (e[key] !== undefined) out.push({ index: i, key, message: `${key} has no effect without feedback_loop: true` })
    }
  })
  return out
}
