import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, UserInputError } from '../errors'
import { EvaluatorRegistry } from '../evals/registry'
import { loadRolloutSpec } from '../rollouts/spec'
import { CONFIG_DIR } from '../testing/engineHarness'
import { mutateText, mutateValue, Rng } from '../testing/fuzz'
import { builtinRegistry } from '../tools/builtins'
import { personasOf } from './agentRefs'
import { parseJsonSource, parseYamlSource } from './issues'
import { loadConfig } from './load'

/**
 * Fuzzes the config loaders with 1,000 mutated copies of the shipped files (fixed seed): each
 * either loads or throws a named ConfigError/UserInputError, never a TypeError, RangeError or
 * any other stack-trace error. Ten `it`s of 100 cases keep each well inside the default timeout
 * (a load costs 5–30 ms: the budget is ~10 s on a busy 2-core machine).
 */

const SEED = 0x11_2026
const CASES_PER_IT = 100
const ROLLOUTS = ['demo_rollout.yml', 'rollout_joke.yml', 'rollout_task_with_payment.yml', 'rollout_competitive_payment.yml', 'rollout_hierarchical_distribution.yml']
const TARGETS = ['agents.yml', 'config.json', ...ROLLOUTS] as const

let dir: string
const shipped = new Map<string, { text: string; data: unknown }>()
const tools = builtinRegistry().names()
const evaluators = new EvaluatorRegistry()
/** Read once, as a long-running host does (the fuzz mutates the spec files, not the persona folder). */
let personas: string[]

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-cfgfuzz-'))
  cpSync(CONFIG_DIR, dir, { recursive: true })
  personas = personasOf(dir)
  for (const f of TARGETS) {
    const text = readFileSync(join(CONFIG_DIR, f), 'utf8')
    shipped.set(f, { text, data: (f.endsWith('.json') ? parseJsonSource(text) : parseYamlSource(text)).data })
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A mutated copy of `file`: 1–3 structural or textual mutations. */
function mutant(rng: Rng, file: string): { text: string; what: string[] } {
  const { text, data } = shipped.get(file)!
  const what: string[] = []
  if (rng.next() < 0.5) {
    let value = data
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const m = mutateValue(rng, value)
      value = m.value
      what.push(m.what)
    }
    // JSON is YAML too; block YAML exercises the other parser paths.
    let out: string | undefined
    if (!file.endsWith('.json') && rng.next() < 0.5) {
      try { out = stringify(value, { aliasDuplicateObjects: rng.next() < 0.5 }) } catch { /* too deep for the writer: JSON below */ }
    }
    return { text: out ?? JSON.stringify(value, null, rng.next() < 0.5 ? 2 : undefined) ?? 'null', what }
  }
  let t = text
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const m = mutateText(rng, t)
    t = m.text
    what.push(m.what)
  }
  return { text: t, what }
}

/** Loads the mutated file through the loader that reads it in the product. */
function load(file: string): void {
  if (file === 'agents.yml' || file === 'config.json') {
    loadConfig({ configDir: dir, env: {}, dotenvPath: null })
    return
  }
  loadRolloutSpec(join(dir, file), { configDir: dir, agents: ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer'], evaluators, tools, personas, strictTools: false })
}

function runCases(from: number): { loaded: number; refused: number; failures: string[] } {
  const rng = new Rng(SEED + from)
  let loaded = 0
  let refused = 0
  const failures: string[] = []
  for (let i = from; i < from + CASES_PER_IT; i++) {
    const file = rng.pick(TARGETS)
    const { text, what } = mutant(rng, file)
    writeFileSync(join(dir, file), text)
    try {
      load(file)
      loaded++
    } catch (err) {
      if (err instanceof ConfigError || err instanceof UserInputError) refused++
      else failures.push(`case ${i} ${file} [${what.join('; ')}]: ${err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err)}`)
    } finally {
      writeFileSync(join(dir, file), shipped.get(file)!.text)
    }
  }
  return { loaded, refused, failures }
}

describe('config loaders under 1,000 mutated files (seeded)', () => {
  for (let block = 0; block < 1000 / CASES_PER_IT; block++) {
    it(`cases ${block * CASES_PER_IT}–${(block + 1) * CASES_PER_IT - 1}: each loads or is a named config error`, () => {
      const r = runCases(block * CASES_PER_IT)
      expect(r.failures).toEqual([])
      expect(r.loaded + r.refused).toBe(CASES_PER_IT)
      // The mutations bite: most files are refused, and the loaders still accept some.
      expect(r.refused).toBeGreaterThan(CASES_PER_IT / 4)
    })
  }
})

describe('defects the fuzzer found (regression cases)', () => {
  const problemsOf = (file: string, text: string): readonly string[] => {
    writeFileSync(join(dir, file), text)
    try {
      load(file)
      return []
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      return (err as ConfigError).problems.map((p) => p.replace(join(dir, file), file))
    } finally {
      writeFileSync(join(dir, file), shipped.get(file)!.text)
    }
  }

  it('a value nested 12,000 deep in config.json is a config error, not a RangeError from the message', () => {
    const deep = `${'['.repeat(12_000)}1${']'.repeat(12_000)}`
    expect(problemsOf('config.json', `{"llm": ${deep}}`)).toEqual([expect.stringMatching(/^.*config\.json:1 llm: got \[…\] \(nested too deeply to show\), expected a mapping of keys$/)])
  })

  it('YAML nested past the parser\'s stack says so (not "syntax error: Maximum call stack size exceeded")', () => {
    const problems = problemsOf('demo_rollout.yml', `teams: ${'['.repeat(3000)}1${']'.repeat(3000)}\n`)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.every((p) => p.endsWith('YAML nests too deeply (the parser ran out of stack, around 1,000 levels): flatten the structure'))).toBe(true)
  })
})
