import { formatIssue, validateParsed, type ConfigIssue } from '../config/issues'
import { displayPath, readSource } from '../config/load'
import { personasOf, type RefChoices } from '../config/agentRefs'
import { ConfigError } from '../errors'
import type { EvaluatorRegistry } from '../evals/registry'
import { DEFAULT_MAX_VARIANTS, expandRollout, rolloutSpecSchema, type ExpandedVariant } from '../schema/rollout'
import { join } from 'node:path'
import { checkSpecRefs } from './specRefs'

export interface CheckSpecOptions {
  configDir: string
  /** Configured agent ids (null: unknown because the agents file is broken; not checked). */
  agents: readonly string[] | null
  evaluators: EvaluatorRegistry
  /** Registered tool names. */
  tools: readonly string[]
  /** Prefixes of tools whose source has not run yet (MCP servers: `SERVER__`), accepted by name. */
  toolPrefixes?: readonly string[]
  /** Persona names; default: the `templates/personas/` files of `configDir`. */
  personas?: readonly string[]
  /** `--strict-tools`: a variant naming an unknown tool is an error (else a warning, and it is left out at run time). */
  strictTools: boolean
  /** `--max-variants`: most variants per team and per file (default {@link DEFAULT_MAX_VARIANTS}). */
  maxVariants?: number
}

export interface CheckedSpec {
  file: string
  source: unknown
  variants: ExpandedVariant[]
  /** Problems that do not stop the run (unknown tools without `--strict-tools`), formatted. */
  warnings: string[]
}

/** Every problem of a rollout YAML at once, never throwing. */
export interface SpecReport {
  file: string
  /** The parsed YAML, when it parsed. */
  source?: unknown
  /** The runnable variants, only when there are no issues. */
  variants?: ExpandedVariant[]
  /** `false` when the YAML has no `teams:` (not a rollout spec). */
  isRollout: boolean
  issues: ConfigIssue[]
  warnings: ConfigIssue[]
}

/**
 * Issues located inside a list-form variant are prefixed with that variant's name: its YAML
 * `id` (what the user wrote), else its position `v000`.
 */
function nameVariants(issues: ConfigIssue[], rawPaths: Map<string, string>): ConfigIssue[] {
  return issues.map((i) => {
    const m = /^teams\.([^.[]+)\.variants\[(\d+)\]/.exec(i.path)
    const name = m ? rawPaths.get(`${m[1]}/${m[2]}`) : undefined
    // A problem that lists the variants it concerns (an unknown tool) needs no prefix.
    return name && !i.message.startsWith('variant ') && !i.message.includes('; named by variant') ? { ...i, message: `variant ${name}: ${i.message}` } : i
  })
}

/** `team/index` → YAML id of every list-form variant entry that has one. */
function variantIds(data: unknown): Map<string, string> {
  const out = new Map<string, string>()
  const teams = (data as { teams?: unknown })?.teams
  if (!teams || typeof teams !== 'object') return out
  for (const [teamId, team] of Object.entries(teams as Record<string, unknown>)) {
    const variants = (team as { variants?: unknown })?.variants
    if (!Array.isArray(variants)) continue
    variants.forEach((v, i) => {
      const id = (v as { id?: unknown })?.id
      out.set(`${teamId}/${i}`, typeof id === 'string' || typeof id === 'number' ? String(id) : `v${String(i).padStart(3, '0')}`)
    })
  }
  return out
}

/**
 * Checks a rollout YAML before anything runs: `teams:` present, the schema, every variant with
 * an `agent_id` and an initial message, known agents, personas, valid overrides, known
 * evaluators and rubrics, evaluator params, and tools. Schema problems do not hide the others.
 */
export function checkRolloutSpec(path: string, o: CheckSpecOptions): SpecReport {
  const file = displayPath(path)
  const { src, issues } = readSource(path, 'yaml')
  if (!src) return { file, isRollout: true, issues, warnings: [] }
  const data = src.data
  if (!src.syntax.length && (!data || typeof data !== 'object' || Array.isArray(data) || !('teams' in data))) {
    return { file, source: data, isRollout: false, warnings: [], issues: [{ file, path: '', message: 'the top-level key must be `teams:` (a mapping of team id → { base, variants, initial_message, eval })' }] }
  }
  const maxVariants = o.maxVariants ?? DEFAULT_MAX_VARIANTS
  const r = validateParsed(file, src, rolloutSpecSchema(maxVariants))
  if (src.syntax.length) return { file, isRollout: true, issues: r.issues, warnings: [] }
  const choices: RefChoices = { tools: o.tools, ...(o.toolPrefixes ? { toolPrefixes: o.toolPrefixes } : {}), personas: o.personas ?? personasOf(o.configDir), personaDir: join(displayPath(o.configDir), 'templates', 'personas') + '/' }
  const refs = checkSpecRefs(data, r.value, file, src.lineOf, { ...o, ...choices })
  const all = nameVariants([...r.issues, ...refs.issues], variantIds(data))
  const sorted = all.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  return {
    file, source: data, isRollout: true, issues: sorted, warnings: refs.warnings,
    ...(sorted.length === 0 && r.value ? { variants: expandRollout(r.value, maxVariants) } : {}),
  }
}

/**
 * Loads and checks a rollout YAML (see {@link checkRolloutSpec}).
 * @throws ConfigError listing every problem, each naming file, line, team, variant and key.
 */
export function loadRolloutSpec(path: string, o: CheckSpecOptions): CheckedSpec {
  const r = checkRolloutSpec(path, o)
  if (!r.variants) throw new ConfigError(r.issues.map(formatIssue), 'ROLLOUT_SPEC')
  return { file: r.file, source: r.source, variants: r.variants, warnings: r.warnings.map(formatIssue) }
}
