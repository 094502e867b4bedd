import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { messageOf } from '../../errors'
import type { Logger } from '../../ports/logger'
import { BUILTIN_TOOL_NAME_LIST } from '../builtins/names'
import type { SourcedTool, ToolProblem } from '../registry'
import type { ToolSource, ToolSourceLoad } from '../sources'
import { CustomToolError, toCustomTool } from './customTool'

/** Source id of the tools in `config/tools/`. */
export const CUSTOM_SOURCE = 'custom'

/** Files that can hold tools. `.ts` is loaded through tsx (a runtime dependency), no build step. */
const TOOL_FILE = /\.(m?js|ts)$/

/** The tool files of a config folder (`<configDir>/tools/*.{mjs,js,ts}`), sorted; none when there is no folder. */
export function customToolFiles(configDir: string): string[] {
  const dir = join(configDir, 'tools')
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return []
  return readdirSync(dir)
    .filter((n) => TOOL_FILE.test(n) && !n.endsWith('.d.ts'))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile())
}

/** What loading the tool files gave: the tools, every problem, and the files read. */
export interface CustomToolsLoad extends ToolSourceLoad {
  files: string[]
}

export interface LoadToolFilesOptions {
  /** Logger handed to the tools (`ctx.logger`). */
  logger?: Logger
  /** Shows a file in messages (e.g. relative to the working folder). Default: as is. */
  display?: (file: string) => string
}

type Importer = (file: string) => unknown

const nodeRequire = createRequire(import.meta.url)

/** Loads a module synchronously: `.mjs`/`.js` with Node's require (ESM included), `.ts` through tsx. */
const requireModule: Importer = (file) => {
  if (!file.endsWith('.ts')) return nodeRequire(file)
  const { require: tsxRequire } = nodeRequire('tsx/cjs/api') as { require: (id: string, from: string) => unknown }
  return tsxRequire(file, import.meta.url)
}

let generation = 0

/**
 * Loads a module afresh (hot reload): a new URL per call, so Node's module cache returns the
 * changed file. Modules the tool file itself imports are not reloaded (restart for those).
 */
async function importFresh(file: string): Promise<unknown> {
  const url = `${pathToFileURL(file).href}?v=${Date.now()}-${++generation}`
  if (!file.endsWith('.ts')) return import(url)
  const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (s: string, parent: string) => Promise<unknown> }
  return tsImport(url, import.meta.url)
}

/** The default export (tsx wraps an ES module's default once more when it compiles `.ts`). */
function defaultExport(mod: unknown): unknown {
  let d = (mod as { default?: unknown } | null)?.default
  if (d && typeof d === 'object' && !Array.isArray(d) && 'default' in d && !('name' in d)) d = (d as { default: unknown }).default
  return d
}

/** Validates the default exports of loaded files and checks names across them and against the built-ins. */
function collect(loaded: { file: string; mod?: unknown; error?: unknown }[], o: LoadToolFilesOptions): CustomToolsLoad {
  const shown = o.display ?? ((f: string) => f)
  const tools: SourcedTool[] = []
  const problems: ToolProblem[] = []
  const where = new Map<string, string>()
  for (const { file, mod, error } of loaded) {
    const location = shown(file)
    const problem = (message: string, tool?: string) => problems.push({ source: CUSTOM_SOURCE, location, ...(tool ? { tool } : {}), message })
    if (error !== undefined) {
      problem(`cannot load tool file: ${error instanceof SyntaxError ? 'syntax error: ' : ''}${messageOf(error)}`)
      continue
    }
    const d = defaultExport(mod)
    if (d === undefined) {
      problem('no default export; expected `export default { name, description, parameters, run }` (or an array of them)')
      continue
    }
    const list = Array.isArray(d) ? d : [d]
    if (list.length === 0) problem('the default export is an empty array; expected at least one tool')
    list.forEach((value, i) => {
      const label = Array.isArray(d) ? `tool #${i + 1}` : 'tool'
      try {
        const tool = toCustomTool(value, o.logger ? { logger: o.logger } : {})
        const name = tool.name
        if (BUILTIN_TOOL_NAME_LIST.includes(name)) return problem(`tool "${name}" has the name of a built-in tool; choose another name`, name)
        const first = where.get(name)
        if (first) return problem(`tool "${name}" is defined twice (also in ${first})`, name)
        where.set(name, location)
        tools.push({ tool, origin: { kind: 'custom', source: CUSTOM_SOURCE, location } })
      } catch (err) {
        if (!(err instanceof CustomToolError)) throw err
        const who = err.tool ? `tool "${err.tool}"` : label
        for (const p of err.problems) problem(`${who}: ${p}`, err.tool)
      }
    })
  }
  return { tools, problems, files: loaded.map((l) => l.file) }
}

/**
 * Loads `<configDir>/tools/*.{mjs,js,ts}` synchronously (start-up of the CLI, the app and the
 * rollout workers, before agents.yml is checked against the tool names). Never throws for a bad
 * file: its problems come back, naming the file, and the other files' tools still load.
 */
export function loadCustomToolsSync(configDir: string, o: LoadToolFilesOptions = {}): CustomToolsLoad {
  return collect(customToolFiles(configDir).map((file) => {
    try {
      return { file, mod: requireModule(file) }
    } catch (error) {
      return { file, error }
    }
  }), o)
}

/** Like {@link loadCustomToolsSync}, but reads every file afresh (hot reload in the app). */
export async function loadCustomToolsFresh(configDir: string, o: LoadToolFilesOptions = {}): Promise<CustomToolsLoad> {
  const loaded: { file: string; mod?: unknown; error?: unknown }[] = []
  for (const file of customToolFiles(configDir)) {
    try {
      loaded.push({ file, mod: await importFresh(file) })
    } catch (error) {
      loaded.push({ file, error })
    }
  }
  return collect(loaded, o)
}

/** `config/tools/` as a {@link ToolSource} whose every load reads the files afresh. */
export function customToolSource(configDir: string, o: LoadToolFilesOptions = {}): ToolSource {
  return { id: CUSTOM_SOURCE, kind: 'custom', load: () => loadCustomToolsFresh(configDir, o) }
}
