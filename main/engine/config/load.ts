import { existsSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import type { z } from 'zod'
import { ConfigError } from '../errors'
import { packageRoot } from '../paths'
import { agentsOf, agentsSchemaFor } from '../schema/agents'
import { AppConfigSchema } from '../schema/appConfig'
import { NO_DOTENV, readDotenv, type DotenvFile } from './dotenv'
import { readLimited } from './readLimited'
import { cachedYamlSource, formatIssue, parseJsonSource, parseYamlSource, validateParsed, type ConfigIssue, type ParsedSource } from './issues'
import { checkAgentRefs, refChoicesOf, type RefChoices } from './agentRefs'
import { ignoredSettings } from './ignored'
import { resolveSettings } from './settings'
import { loadMcpServers, mcpToolPrefixes } from './mcpConfig'
import type { McpServersConfig } from '../schema/mcpServers'
import type { AgentDefinition, LoadConfig, LoadConfigOptions, LoadedConfig, ParsedYamlCache } from './types'

/**
 * The config loader. Precedence for every setting and path: CLI flag > env var > `.env` >
 * config file > default.
 *
 * - Config dir: `--config` > `P2ENGINE_CONFIG_DIR` (env) > `./config`.
 * - `.env`: `DOTENV_PATH` (flag/env) > `<config dir>/../.env` (the project folder, as the
 *   original kept it). It is parsed with dotenv and used as a layer; it is never exported into
 *   `process.env`. It cannot move the config dir itself (it is found through the config dir).
 * - agents YAML: `AGENTS_CFG` (flag/env/.env) > `<config dir>/agents.yml`; required.
 * - config.json: `P2ENGINE_CONFIG_PATH` or its alias `CONFIG_FILE` (the original's name)
 *   (flag/env/.env) > `<config dir>/config.json`; when the
 *   default file is absent the defaults apply, an explicitly named missing file is an error.
 * Relative paths are resolved against the working directory.
 */

/** A path as shown in messages: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p
}

/**
 * The config folder from `--config`, else `P2ENGINE_CONFIG_DIR`, else `./config`; when the
 * working directory has no `config/`, the one shipped with the installed package.
 */
export function resolveConfigDir(configDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = configDir || env.P2ENGINE_CONFIG_DIR
  if (chosen) return resolve(chosen)
  const local = resolve('config')
  if (existsSync(local)) return local
  const root = packageRoot()
  return root ? join(root, 'config') : local
}

/**
 * Reads (through {@link readLimited}: regular files up to 5 MB) and parses a YAML or JSON file;
 * a missing, unreadable, non-regular or oversized file is an issue.
 */
export function readSource(path: string, kind: 'yaml' | 'json', cache?: ParsedYamlCache): { src?: ParsedSource; issues: ConfigIssue[]; text?: string; cached?: boolean } {
  const r = readLimited(path)
  if (!('text' in r)) return { issues: [{ file: displayPath(path), path: '', message: r.problem }] }
  if (kind === 'json') return { src: parseJsonSource(r.text), issues: [] }
  const hit = cache?.get(path, r.text)
  if (hit) return { src: cachedYamlSource(r.text, hit.data), issues: [], text: r.text, cached: true }
  return { src: parseYamlSource(r.text), issues: [], text: r.text, cached: false }
}

/**
 * Reads and validates a file with a schema chosen from its data. With `cache`, a YAML file that
 * parsed and validated without a problem is remembered (an invalid one, which may hold anything,
 * never is).
 */
export function loadFile<T>(path: string, kind: 'yaml' | 'json', schemaFor: (data: unknown) => z.ZodType<T>, cache?: ParsedYamlCache): { value?: T; src?: ParsedSource; issues: ConfigIssue[] } {
  const { src, issues, text, cached } = readSource(path, kind, cache)
  if (!src) return { issues }
  const r = validateParsed(displayPath(path), src, schemaFor(src.data))
  if (cache && cached === false && text !== undefined && r.value !== undefined && r.issues.length === 0) cache.put(path, text, src.data)
  return { ...r, src }
}

/**
 * Validates an agents YAML file (either `agents: [...]` or a bare list). With `choices`, the
 * tools, personas and reflection agents it names must exist too.
 */
export function loadAgentsFile(path: string, choices?: RefChoices, cache?: ParsedYamlCache): { agents?: AgentDefinition[]; issues: ConfigIssue[] } {
  const r = loadFile(path, 'yaml', agentsSchemaFor, cache)
  if (!r.value || !r.src) return { issues: r.issues }
  const agents = agentsOf(r.value)
  if (choices) {
    const refs = checkAgentRefs(agents, displayPath(path), r.src.lineOf, choices, Array.isArray(r.value) ? [] : ['agents'])
    if (refs.length) return { issues: refs }
  }
  return { agents, issues: r.issues }
}

/** Validates a config.json file. */
export function loadAppConfigFile(path: string) {
  return loadFile(path, 'json', () => AppConfigSchema)
}

/**
 * Loads config without throwing: the config (when there were no problems), every problem, and
 * warnings about settings that are set but ignored (see {@link ignoredSettings}).
 */
export function resolveConfig(options: LoadConfigOptions = {}): { config?: LoadedConfig; issues: ConfigIssue[]; warnings: string[] } {
  const env = options.env ?? process.env
  const flags = options.flags ?? {}
  const configDir = resolveConfigDir(options.configDir, env)
  const issues: ConfigIssue[] = []
  if (!existsSync(configDir) || !statSync(configDir).isDirectory()) {
    issues.push({ file: displayPath(configDir), path: '', message: 'config folder not found (set --config or P2ENGINE_CONFIG_DIR)' })
  }

  const dotenvPath = flags.DOTENV_PATH || env.DOTENV_PATH
  const dotenv: DotenvFile = options.dotenvPath === null ? NO_DOTENV : readDotenv(resolve(options.dotenvPath ?? dotenvPath ?? join(dirname(configDir), '.env')))
  if (dotenv.problem) issues.push({ file: displayPath(dotenv.problem.path), path: '', message: dotenv.problem.message })
  else if (dotenvPath && !dotenv.path) issues.push({ file: displayPath(resolve(dotenvPath)), path: '', message: 'file not found (named by DOTENV_PATH)' })
  /** The first of `names` set in the highest layer (flag > env > .env), with where; later names are aliases. */
  const pathSettingAt = (...names: string[]): { value: string; by: string } | undefined => {
    const layers: [Record<string, string | undefined>, string][] = [[flags, 'flag'], [env, 'env'], [dotenv.values, dotenv.path ? displayPath(dotenv.path) : '.env']]
    for (const [layer, where] of layers) for (const n of names) if (layer[n]) return { value: layer[n]!, by: `${n} in ${where}` }
    return undefined
  }
  const pathSetting = (...names: string[]): string | undefined => pathSettingAt(...names)?.value

  const agentsPath = resolve(pathSetting('AGENTS_CFG') ?? join(configDir, 'agents.yml'))
  const agentsAt = issues.length
  // CONFIG_FILE is the original's (documented, never read) name for the same path.
  const named = pathSettingAt('P2ENGINE_CONFIG_PATH', 'CONFIG_FILE')
  const explicitConfig = named?.value
  const appConfigPath = resolve(explicitConfig ?? join(configDir, 'config.json'))
  let file: Parameters<typeof resolveSettings>[0]['file']
  let appConfigFile: string | null = null
  let appServers: McpServersConfig = {}
  if (explicitConfig || existsSync(appConfigPath)) {
    const app = loadAppConfigFile(appConfigPath)
    // Say which setting named a missing file: it may come from a .env the user forgot about.
    issues.push(...app.issues.map((i) => (named && i.message === 'file not found' ? { ...i, message: `file not found (named by ${named.by})` } : i)))
    if (app.value && app.src) {
      const src = app.src
      file = { name: displayPath(appConfigPath), data: src.data, lineOf: (p) => src.lineOf(p) }
      appConfigFile = appConfigPath
      appServers = app.value.mcp_servers
    }
  }
  // MCP servers first: agents may name their tools (`SERVER__TOOL`) before any server ran.
  const mcp = loadMcpServers(configDir, displayPath, appConfigFile ? { file: displayPath(appConfigFile), servers: appServers } : undefined)
  issues.push(...mcp.issues)
  const agents = loadAgentsFile(agentsPath, { ...refChoicesOf(configDir, displayPath(configDir), options.tools), toolPrefixes: mcpToolPrefixes(mcp.names) }, options.yamlCache)
  // Agents' problems are listed first, as before MCP servers existed.
  issues.splice(agentsAt, 0, ...agents.issues)

  const resolved = resolveSettings({ flags, env, dotenv, file })
  issues.push(...resolved.issues)
  const warnings = ignoredSettings(env, dotenv)
  if (issues.length > 0) return { issues, warnings }
  return {
    issues,
    warnings,
    config: {
      configDir,
      agents: agents.agents!,
      settings: resolved.settings,
      sources: resolved.sources,
      files: { agents: agentsPath, appConfig: appConfigFile, dotenv: dotenv.path },
      warnings,
      ...(Object.keys(mcp.servers).length ? { mcpServers: mcp.servers } : {}),
    },
  }
}

/**
 * Loads and validates the configuration.
 * @throws ConfigError listing every problem, one line each (`file:line key: got …, expected …`).
 */
export const loadConfig: LoadConfig = (options = {}) => {
  const { config, issues } = resolveConfig(options)
  if (!config) throw new ConfigError(issues.map(formatIssue))
  return config
}
