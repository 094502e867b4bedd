import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, UserInputError, messageOf } from '../errors'
import { importFile } from '../importFile'
import { DETERMINISTIC_EVALUATORS } from './builtins'
import { comprehensiveJudge } from './comprehensiveJudge'
import { gpt4Judge } from './judge'
import type { Evaluator } from './types'

/**
 * Evaluators by id: the built-ins plus custom ones from `config/evaluators/`. Not a global: each
 * composition root builds one. Re-registering an id replaces it (like the original) and is
 * reported by {@link replaced}.
 */
export class EvaluatorRegistry {
  private readonly byId = new Map<string, Evaluator>()
  readonly replaced: string[] = []

  constructor(evaluators: Iterable<Evaluator> = [gpt4Judge, comprehensiveJudge, ...DETERMINISTIC_EVALUATORS]) {
    for (const e of evaluators) this.register(e)
  }

  register(e: Evaluator): this {
    if (this.byId.has(e.id)) this.replaced.push(e.id)
    this.byId.set(e.id, e)
    return this
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  ids(): string[] {
    return [...this.byId.keys()].sort()
  }

  /** @throws UserInputError naming the known ids. */
  get(id: string): Evaluator {
    const e = this.byId.get(id)
    if (!e) throw new UserInputError(`unknown evaluator "${id}"; known: ${this.ids().join(', ')}`, 'UNKNOWN_EVALUATOR')
    return e
  }
}

/** Files that can hold custom evaluators (`.ts` needs a TypeScript loader, e.g. tsx). */
const CUSTOM = /\.(m?js|ts)$/

/**
 * The built-ins plus every evaluator default-exported (alone or as an array) by
 * `<configDir>/evaluators/*.{js,mjs,ts}`. No folder, no custom evaluators (none ship).
 * @throws ConfigError naming the file when one cannot be loaded or exports no evaluator.
 */
export async function loadEvaluators(configDir: string): Promise<EvaluatorRegistry> {
  const registry = new EvaluatorRegistry()
  const dir = join(configDir, 'evaluators')
  if (!existsSync(dir)) return registry
  for (const name of readdirSync(dir).filter((n) => CUSTOM.test(n) && !n.endsWith('.d.ts')).sort()) {
    const file = join(dir, name)
    let mod: { default?: unknown }
    try {
      mod = (await importFile(file)) as { default?: unknown }
    } catch (err) {
      throw new ConfigError([`${file}: cannot load evaluator module: ${messageOf(err)}`], 'BAD_EVALUATOR')
    }
    const list = Array.isArray(mod.default) ? mod.default : [mod.default]
    for (const e of list) {
      if (!e || typeof e !== 'object' || typeof (e as Evaluator).run !== 'function' || typeof (e as Evaluator).id !== 'string') {
        throw new ConfigError([`${file}: default export must be defineEvaluator({ id, version, run }) or an array of them`], 'BAD_EVALUATOR')
      }
      registry.register(e as Evaluator)
    }
  }
  return registry
}
