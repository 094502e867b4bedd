import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { EvaluatorRegistry } from '../evals/registry'
import { checkRolloutSpec, type CheckSpecOptions } from '../rollouts/spec'
import { BUILTIN_TOOL_NAMES, refChoicesOf } from './agentRefs'
import { NO_DOTENV } from './dotenv'
import type { ConfigIssue } from './issues'
import { displayPath, loadAgentsFile, loadAppConfigFile } from './load'
import { resolveSettings } from './settings'
import { loadMcpServers, mcpFileOf, mcpToolPrefixes } from './mcpConfig'

/** The check of one file or folder of a config dir. */
export interface FileReport {
  file: string
  kind: 'folder' | 'agents' | 'app-config' | 'rollout' | 'templates' | 'tools'
  ok: boolean
  /** What was found, e.g. `6 agents`, `2 teams, 5 variants`. */
  summary: string
  issues: ConfigIssue[]
  /** Problems that do not stop anything (e.g. a variant naming an unknown tool: it runs without it). */
  warnings?: ConfigIssue[]
}

/** Every problem of a config dir at once. */
export interface ConfigDirReport {
  dir: string
  ok: boolean
  files: FileReport[]
  issues: ConfigIssue[]
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const report = (file: string, kind: FileReport['kind'], summary: string, issues: ConfigIssue[]): FileReport => ({ file, kind, ok: issues.length === 0, summary, issues })

function checkAgents(dir: string, tools: readonly string[], toolPrefixes: readonly string[]): { report: FileReport; ids: string[] | null } {
  const path = join(dir, 'agents.yml')
  const r = loadAgentsFile(path, { ...refChoicesOf(dir, displayPath(dir), tools), toolPrefixes })
  const ids = r.agents?.map((a) => a.id) ?? agentIdsOf(path)
  return { report: report(displayPath(path), 'agents', r.agents ? plural(r.agents.length, 'agent') : 'invalid', r.issues), ids }
}

/** Agent ids of an agents file whose references are broken but whose shape is fine (rollouts can still be checked). */
function agentIdsOf(path: string): string[] | null {
  const r = loadAgentsFile(path)
  return r.agents ? r.agents.map((a) => a.id) : null
}

function checkAppConfig(dir: string): FileReport {
  const path = join(dir, 'config.json')
  const file = displayPath(path)
  if (!existsSync(path)) return report(file, 'app-config', 'absent (defaults apply)', [])
  const r = loadAppConfigFile(path)
  const issues = [...r.issues]
  if (r.value && r.src) {
    const src = r.src
    // Values the schema cannot judge alone (e.g. initial_balance as a Daml Decimal).
    issues.push(...resolveSettings({ flags: {}, env: {}, dotenv: NO_DOTENV, file: { name: file, data: src.data, lineOf: (p) => src.lineOf(p) } }).issues)
  }
  return report(file, 'app-config', issues.length ? 'invalid' : 'valid', issues)
}

/** `mcp.json` when present (its servers merged with config.json's), and every configured server. */
function checkMcpFile(dir: string): { report?: FileReport; names: string[] } {
  const appPath = join(dir, 'config.json')
  const app = existsSync(appPath) ? loadAppConfigFile(appPath).value : undefined
  const r = loadMcpServers(dir, displayPath, app ? { file: displayPath(appPath), servers: app.mcp_servers } : undefined)
  const path = mcpFileOf(dir)
  if (!existsSync(path)) return { names: r.names }
  const n = Object.keys(r.servers).length
  return { names: r.names, report: report(displayPath(path), 'app-config', r.issues.length ? 'invalid' : plural(n, 'MCP server'), r.issues) }
}

function checkRollouts(dir: string, spec: Omit<CheckSpecOptions, 'configDir' | 'strictTools'>): FileReport[] {
  const names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n) && n !== 'agents.yml').sort()
  const out: FileReport[] = []
  for (const name of names) {
    const path = join(dir, name)
    if (!statSync(path).isFile()) continue
    const r = checkRolloutSpec(path, { ...spec, configDir: dir, strictTools: false })
    // A YAML without `teams:` is not a rollout (e.g. notes); broken YAML is reported anyway.
    if (!r.isRollout) continue
    const summary = r.variants
      ? `${plural(new Set(r.variants.map((v) => v.teamId)).size, 'team')}, ${plural(r.variants.length, 'variant')}`
      : r.source === undefined ? 'invalid YAML' : 'invalid'
    out.push({ ...report(r.file, 'rollout', summary, r.issues), ...(r.warnings.length ? { warnings: r.warnings } : {}) })
  }
  return out
}

function checkTemplates(dir: string): FileReport {
  const path = join(dir, 'templates')
  const file = displayPath(path)
  if (!existsSync(path) || !statSync(path).isDirectory()) return report(file, 'templates', 'missing', [{ file, path: '', message: 'templates folder not found (expected system_message.j2, personas/, reflection/)' }])
  const required = ['system_message.j2']
  const issues: ConfigIssue[] = required
    .filter((t) => !existsSync(join(path, t)))
    .map((t) => ({ file: displayPath(join(path, t)), path: '', message: 'template not found' }))
  const count = (readdirSync(path, { recursive: true }) as string[]).filter((n) => n.endsWith('.j2')).length
  return report(file, 'templates', plural(count, 'template'), issues)
}

/** What a config folder's files may refer to beyond the folder. */
export interface ValidateOptions {
  /** Evaluators rollouts may name (default: the built-ins; the CLI adds `evaluators/*.ts`). */
  evaluators?: EvaluatorRegistry
  /** Tool names agents and variants may use (default: the built-in tools). */
  tools?: readonly string[]
  /**
   * Tool-name prefixes accepted without a list (`SERVER__` of MCP servers that were not listed).
   * Default: every configured MCP server's; the CLI lists the servers and passes their tools instead.
   */
  toolPrefixes?: readonly string[]
}

/**
 * Checks a whole config folder — agents.yml (with the tools, personas and reflection agents it
 * names), config.json, every YAML with `teams:` (with the agents, personas, tools, evaluators
 * and rubrics they name) and the templates folder — and returns every problem found, never
 * only the first.
 */
export function validateConfigDir(dirInput: string, options: ValidateOptions = {}): ConfigDirReport {
  const dir = resolve(dirInput)
  const shown = displayPath(dir)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const issue: ConfigIssue = { file: shown, path: '', message: 'config folder not found' }
    return { dir, ok: false, files: [report(shown, 'folder', 'missing', [issue])], issues: [issue] }
  }
  const tools = options.tools ?? BUILTIN_TOOL_NAMES
  const mcp = checkMcpFile(dir)
  const toolPrefixes = options.toolPrefixes ?? mcpToolPrefixes(mcp.names)
  const agents = checkAgents(dir, tools, toolPrefixes)
  const evaluators = options.evaluators ?? new EvaluatorRegistry()
  const files = [agents.report, checkAppConfig(dir), ...(mcp.report ? [mcp.report] : []), ...checkRollouts(dir, { agents: agents.ids, evaluators, tools, toolPrefixes }), checkTemplates(dir)]
  const issues = files.flatMap((f) => f.issues)
  return { dir, ok: issues.length === 0, files, issues }
}
