import { join } from 'node:path'
import type { Command } from 'commander'
import { ConfigError } from '../../engine/errors'
import { EvaluatorRegistry, loadEvaluators } from '../../engine/evals/registry'
import type { ConfigIssue } from '../../engine/config/issues'
import { displayPath, resolveConfig, resolveConfigDir } from '../../engine/config/load'
import { formatIssue } from '../../engine/config/issues'
import { checkLoggingSettings } from '../../logging/settings'
import { maskSecret, SETTING_SPECS } from '../../engine/config/settings'
import type { LoadedConfig, SettingSource } from '../../engine/config/types'
import { validateConfigDir, type FileReport } from '../../engine/config/validateDir'
import type { CliContext } from '../context'
import { EXIT } from '../errors'
import { panel, pc, table, toJson } from '../output'
import type { Wrap } from '../program'
import { registerOverrideCommands } from './configOverrides'
import { loadHostTools, type HostTools } from '../../compose/customTools'
import { mcpValidation } from './configTools'

interface JsonOpt { json?: boolean }

/** Options for {@link resolveConfig} from the global CLI options (the same as the context uses). */
const loadOptions = (ctx: CliContext) => ({
  configDir: ctx.globals.config,
  env: ctx.env,
  flags: { P2ENGINE_HOME: ctx.globals.home, LEDGER_BACKEND: ctx.globals.ledgerBackend },
})

/** Built-in plus custom evaluators of a config folder; a custom one that cannot load is a problem, not a crash. */
async function evaluatorsOf(dir: string): Promise<{ evaluators: EvaluatorRegistry; problem?: ConfigIssue }> {
  try {
    return { evaluators: await loadEvaluators(dir) }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { evaluators: new EvaluatorRegistry(), problem: { file: displayPath(join(dir, 'evaluators')), path: '', message: err.message } }
  }
}

/** The `tools/` line of `config validate`: every tool file loaded, each problem naming its file. */
function toolsReport(dir: string, tools: HostTools): FileReport | null {
  const { files, tools: loaded, problems } = tools.load
  if (files.length === 0) return null
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`
  const issues: ConfigIssue[] = problems.map((p) => ({ file: p.location ?? displayPath(join(dir, 'tools')), path: '', message: p.message }))
  return { file: displayPath(join(dir, 'tools')) + '/', kind: 'tools', ok: issues.length === 0, summary: `${plural(loaded.length, 'custom tool')} in ${plural(files.length, 'file')}${issues.length ? ', invalid' : ''}`, issues }
}

/** `p2engine config validate [DIR]`: every problem of a config folder at once; exit 3 when any. */
async function validateAction(ctx: CliContext, dirArg: string | undefined, opts: JsonOpt): Promise<void> {
  const dir = dirArg ?? resolveConfigDir(ctx.globals.config, ctx.env)
  const { evaluators, problem } = await evaluatorsOf(dir)
  // Custom tools count as known names for agents and variants; a broken tool file is an error here.
  const tools = loadHostTools(dir)
  // MCP servers are started (within their startup timeout) so the tool names agents use are checked.
  const mcp = await mcpValidation(dir)
  const report = validateConfigDir(dir, { evaluators, tools: [...tools.names, ...mcp.tools], toolPrefixes: mcp.failedPrefixes })
  const files: FileReport[] = [...report.files]
  const toolFiles = toolsReport(dir, tools)
  if (toolFiles) files.splice(1, 0, toolFiles)
  if (mcp.servers) files.push({ file: 'MCP servers', kind: 'folder', ok: mcp.issues.length === 0, summary: `${mcp.servers} server${mcp.servers === 1 ? '' : 's'}, ${mcp.tools.length} tool${mcp.tools.length === 1 ? '' : 's'}`, issues: mcp.issues })
  if (problem) files.push({ file: displayPath(join(dir, 'evaluators')), kind: 'folder', ok: false, summary: 'invalid', issues: [problem] })
  const warnings: string[] = []
  if (dirArg === undefined && report.files[0]?.kind !== 'folder') {
    // Without DIR the effective settings count too (env, .env, flags, AGENTS_CFG, …).
    const seen = new Set(report.issues.map(formatIssue))
    const resolved = resolveConfig({ ...loadOptions(ctx), tools: tools.names })
    const extra = [...resolved.issues, ...(resolved.config ? checkLoggingSettings(resolved.config, ctx.env).issues : [])].filter((i) => !seen.has(formatIssue(i)))
    files.push({ file: 'settings (flags, env, .env)', kind: 'folder', ok: extra.length === 0, summary: extra.length ? 'invalid' : 'valid', issues: extra })
    warnings.push(...resolved.warnings)
  }
  const issues = files.flatMap((f) => f.issues)
  if (issues.length) ctx.exitCode = EXIT.config
  if (opts.json) {
    const fileWarnings = files.flatMap((f) => (f.warnings ?? []).map(formatIssue))
    ctx.io.out(toJson({ dir: report.dir, ok: issues.length === 0, files, problems: issues.map(formatIssue), warnings: [...fileWarnings, ...warnings] }))
    return
  }
  const lines: string[] = []
  for (const f of files) {
    lines.push(`${f.ok ? pc.green('✓') : pc.red('✗')} ${f.file}  ${pc.dim(f.summary)}`)
    for (const i of f.issues) lines.push(`    ${formatIssue(i)}`)
    for (const w of f.warnings ?? []) lines.push(`    ${pc.yellow('⚠')} ${formatIssue(w)}`)
  }
  for (const w of warnings) lines.push(`${pc.yellow('⚠')} ${w}`)
  const bad = files.filter((f) => !f.ok).length
  lines.push(issues.length ? pc.red(`${issues.length} problem${issues.length === 1 ? '' : 's'} in ${bad} file${bad === 1 ? '' : 's'}`) : pc.green(`configuration is valid (${files.length} checks)`))
  ctx.io.out(lines.join('\n'))
}

/** Human description of where a setting came from. */
function sourceDetail(cfg: LoadedConfig, key: string, source: SettingSource | undefined): string {
  const spec = SETTING_SPECS.find((s) => s.key === key)
  switch (source) {
    case 'flag': return `flag ${spec?.flag ?? spec?.env ?? ''}`
    case 'env': return `env ${spec?.env ?? ''}`
    case 'dotenv': return `.env ${spec?.env ?? ''}`
    case 'file': return `${cfg.files?.appConfig ? displayPath(cfg.files.appConfig) : 'config.json'} ${spec?.file?.join('.') ?? ''}`
    default: return 'default'
  }
}

/** Settings flattened for display, the API key masked. */
function displaySettings(cfg: LoadedConfig): { key: string; value: string | boolean | undefined; source: string }[] {
  const s = cfg.settings
  const values: Record<string, string | boolean | undefined> = {
    home: s.home,
    'ledger.backend': s.ledger.backend,
    'ledger.partyId': s.ledger.partyId,
    'ledger.initialBalance': s.ledger.initialBalance,
    'ledger.jsonApiUrl': s.ledger.jsonApiUrl,
    'ledger.enabled': s.ledger.enabled,
    'llm.apiBase': s.llm.apiBase,
    'llm.apiKey': maskSecret(s.llm.apiKey),
    'llm.defaultModel': s.llm.defaultModel,
    dedupPolicy: s.dedupPolicy,
    logLevel: s.logLevel,
    'llm.concurrency': s.llm.concurrency,
    poolSize: String(s.poolSize),
    'artifacts.driver': s.artifacts?.driver,
    'artifacts.s3Bucket': s.artifacts?.s3Bucket,
    'artifacts.s3Prefix': s.artifacts?.s3Prefix,
    'artifacts.s3ThresholdBytes': s.artifacts ? String(s.artifacts.s3ThresholdBytes) : undefined,
  }
  return SETTING_SPECS.map((spec) => ({ key: spec.key, value: values[spec.key], source: sourceDetail(cfg, spec.key, cfg.sources[spec.key]) }))
}

/** `p2engine config show`: resolved settings and where each came from. */
function showAction(ctx: CliContext, opts: JsonOpt): void {
  const cfg = ctx.config
  const rows = displaySettings(cfg)
  if (opts.json) {
    const settings = { ...cfg.settings, llm: { ...cfg.settings.llm, ...(cfg.settings.llm.apiKey ? { apiKey: maskSecret(cfg.settings.llm.apiKey) } : {}) } }
    ctx.io.out(toJson({ configDir: cfg.configDir, files: cfg.files ?? null, settings, sources: cfg.sources, agents: cfg.agents.map((a) => a.id) }))
    return
  }
  const f = cfg.files
  ctx.io.out(panel('Configuration', [
    ['Config dir', displayPath(cfg.configDir)],
    ['Agents file', f ? displayPath(f.agents) : '–'],
    ['config.json', f?.appConfig ? displayPath(f.appConfig) : '(absent; defaults)'],
    ['.env', f?.dotenv ? displayPath(f.dotenv) : '(none)'],
    ['Agents', cfg.agents.map((a) => a.id).join(', ') || '(none)'],
  ]))
  ctx.io.out(table('Settings (flag > env > .env > config file > default)', ['Setting', 'Value', 'Source'],
    rows.map((r) => [r.key, r.value === undefined ? pc.dim('(not set)') : String(r.value), r.source])))
}

/** `p2engine config …` (validate, show). Other groups add subcommands to the same `config` command. */
export function registerConfigCommands(program: Command, wrap: Wrap): void {
  const config = program.command('config').description('check and show configuration')

  config
    .command('validate [dir]')
    .description('check a config folder (agents.yml, config.json, tools/, rollout YAMLs, templates) and list every problem')
    .option('--json', 'print JSON')
    .action(wrap(validateAction))

  config
    .command('show')
    .description('resolved settings and where each came from (API keys masked)')
    .option('--json', 'print JSON')
    .action(wrap(showAction))

  registerOverrideCommands(config, wrap)
}
