import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { RolloutSpecSchema, evalsOf, expandRollout, type RolloutSpec } from '../schema/rollout'
import { NO_DOTENV } from './dotenv'
import type { ConfigIssue } from './issues'
import { validateParsed } from './issues'
import { displayPath, loadAgentsFile, loadAppConfigFile, readSource } from './load'
import { resolveSettings } from './settings'

/** The check of one file or folder of a config dir. */
export interface FileReport {
  file: string
  kind: 'folder' | 'agents' | 'app-config' | 'rollout' | 'templates'
  ok: boolean
  /** What was found, e.g. `6 agents`, `2 teams, 5 variants`. */
  summary: string
  issues: ConfigIssue[]
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

function checkAgents(dir: string): FileReport {
  const path = join(dir, 'agents.yml')
  const r = loadAgentsFile(path)
  return report(displayPath(path), 'agents', r.agents ? plural(r.agents.length, 'agent') : 'invalid', r.issues)
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

/** A single-line rubric without spaces is a rubric id: `evals/rubrics/<id>.jinja` (or `.j2`) must exist. */
function rubricIssues(dir: string, file: string, spec: RolloutSpec, lineOf: (p: readonly PropertyKey[]) => number | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const [teamId, team] of Object.entries(spec.teams)) {
    evalsOf(team.eval).forEach((e, i) => {
      const rubric = e.rubric?.trim()
      if (!rubric || /\s/.test(rubric)) return
      const found = ['.jinja', '.j2'].some((ext) => existsSync(join(dir, 'evals', 'rubrics', rubric + ext)))
      const at = Array.isArray(team.eval) ? ['teams', teamId, 'eval', i, 'rubric'] : ['teams', teamId, 'eval', 'rubric']
      if (!found) {
        issues.push({ file, line: lineOf(at), path: at.join('.'), message: `got "${rubric}", expected a rubric id with a file evals/rubrics/${rubric}.jinja, or a multi-line rubric text` })
      }
    })
  }
  return issues
}

function checkRollouts(dir: string): FileReport[] {
  const names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n) && n !== 'agents.yml').sort()
  const out: FileReport[] = []
  for (const name of names) {
    const path = join(dir, name)
    if (!statSync(path).isFile()) continue
    const file = displayPath(path)
    const { src, issues } = readSource(path, 'yaml')
    if (!src) {
      out.push(report(file, 'rollout', 'unreadable', issues))
      continue
    }
    if (src.syntax.length) {
      // Cannot tell whether it is a rollout; a broken YAML in the config folder is worth reporting anyway.
      out.push(report(file, 'rollout', 'invalid YAML', validateParsed(file, src, RolloutSpecSchema).issues))
      continue
    }
    const data = src.data
    if (!data || typeof data !== 'object' || Array.isArray(data) || !('teams' in data)) continue
    const r = validateParsed(file, src, RolloutSpecSchema)
    if (!r.value) {
      out.push(report(file, 'rollout', 'invalid', r.issues))
      continue
    }
    const more = rubricIssues(dir, file, r.value, src.lineOf)
    const teams = Object.keys(r.value.teams).length
    out.push(report(file, 'rollout', `${plural(teams, 'team')}, ${plural(expandRollout(r.value).length, 'variant')}`, more))
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

/**
 * Checks a whole config folder — agents.yml, config.json, every YAML with `teams:` and the
 * templates folder — and returns every problem found, never only the first.
 */
export function validateConfigDir(dirInput: string): ConfigDirReport {
  const dir = resolve(dirInput)
  const shown = displayPath(dir)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const issue: ConfigIssue = { file: shown, path: '', message: 'config folder not found' }
    return { dir, ok: false, files: [report(shown, 'folder', 'missing', [issue])], issues: [issue] }
  }
  const files = [checkAgents(dir), checkAppConfig(dir), ...checkRollouts(dir), checkTemplates(dir)]
  const issues = files.flatMap((f) => f.issues)
  return { dir, ok: issues.length === 0, files, issues }
}
