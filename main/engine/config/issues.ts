import { createRequire } from 'node:module'
import type { Document, LineCounter, Node } from 'yaml'
import type { z } from 'zod'

/**
 * The yaml library, loaded on first use: a command whose YAML files are all in the parse cache
 * (see `ParsedYamlCache`) and whose config has no problem never loads it (~3 ms of module
 * initialisation in a cold CLI command, and its code leaves the CLI's ledger and agent bundles).
 */
let yamlLib: typeof import('yaml') | undefined
const yaml = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'))

/**
 * Turns YAML/JSON syntax errors and zod issues into one-line problems that name the file, the
 * line, the key path, the bad value and what was expected, e.g.
 * `config/agents.yml:14 agents[1].temperature: unknown key "temperature" (allowed: id, type, …)`.
 */

/** One problem in a config source. */
export interface ConfigIssue {
  /** File as shown to the user (relative to the cwd when inside it), or a setting source such as `env LOG_LEVEL`. */
  file: string
  line?: number
  /** Key path like `agents[2].tools[0]`; empty for whole-file problems. */
  path: string
  message: string
}

/** `file:line path: message` */
export function formatIssue(i: ConfigIssue): string {
  const where = i.line ? `${i.file}:${i.line}` : i.file
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where}: ${i.message}`
}

type PathKey = PropertyKey
const IDENT = /^[A-Za-z_][\w-]*$/

/** `['agents', 2, 'tools', 0]` → `agents[2].tools[0]`; odd keys in brackets. */
export function formatPath(path: readonly PathKey[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out ? `.${seg}` : seg
    else out += `[${JSON.stringify(String(seg))}]`
  }
  return out
}

/** A value for a message: JSON, cut to 60 characters. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing'
  let s: string
  try {
    s = JSON.stringify(v) ?? String(v)
  } catch {
    // Too deep for JSON.stringify (and for String(), which recurses the same way): say what it is.
    s = Array.isArray(v) ? '[…] (nested too deeply to show)' : v && typeof v === 'object' ? '{…} (nested too deeply to show)' : typeof v
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list',
  object: 'a mapping of keys', record: 'a mapping of keys', null: 'null',
}
const expectedWord = (e: string) => TYPE_WORDS[e] ?? e

function sizeExpectation(iss: { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean }, small: boolean): string {
  const bound = String(small ? iss.minimum : iss.maximum)
  if (iss.origin === 'string') return small ? (bound === '1' ? 'a non-empty string' : `a string of at least ${bound} characters`) : `a string of at most ${bound} characters`
  if (iss.origin === 'array' || iss.origin === 'set') return small ? `a list with at least ${bound} item(s)` : `a list with at most ${bound} item(s)`
  const op = small ? (iss.inclusive === false ? '>' : '≥') : iss.inclusive === false ? '<' : '≤'
  return `a number ${op} ${bound}`
}

const ALLOWED = 'allowed:'

/**
 * Per-parse error map: records the allowed keys of a strict object in the issue message (the
 * finalized issue no longer knows its schema). Everything else is formatted from issue fields.
 */
const errorMap = (iss: { code?: string; inst?: unknown }): string | undefined => {
  if (iss.code !== 'unrecognized_keys') return undefined
  const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape
  return ALLOWED + Object.keys(shape ?? {}).join(', ')
}

/** A located problem before the file name is attached. */
export interface RawIssue {
  path: PathKey[]
  message: string
}

/** Rewrites zod issues into problems with expectation and bad value. */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[]): RawIssue[] {
  const out: RawIssue[] = []
  for (const iss of issues) {
    const path = [...iss.path]
    const input = (iss as { input?: unknown }).input
    switch (iss.code) {
      case 'invalid_type':
        out.push({
          path,
          message: input === undefined ? `missing required key (expected ${expectedWord(iss.expected)})` : `got ${showValue(input)}, expected ${expectedWord(iss.expected)}`,
        })
        break
      case 'unrecognized_keys': {
        const allowed = iss.message.startsWith(ALLOWED) ? iss.message.slice(ALLOWED.length) : ''
        for (const key of iss.keys) {
          out.push({ path: [...path, key], message: `unknown key "${key}"${allowed ? ` (allowed: ${allowed})` : ''}` })
        }
        break
      }
      case 'invalid_union': {
        const disc = (iss as { discriminator?: string }).discriminator
        if (disc) {
          const options = ((iss as { options?: unknown[] }).options ?? []).map(String).join(', ')
          const got = (input as Record<string, unknown> | undefined)?.[disc]
          out.push({ path, message: got === undefined ? `missing required key (expected one of ${options})` : `got ${showValue(got)}, expected one of ${options}` })
          break
        }
        out.push(...describeUnion(iss, path, input))
        break
      }
      case 'invalid_value':
        out.push({ path, message: `got ${showValue(input)}, expected ${iss.values.length === 1 ? showValue(iss.values[0]) : `one of ${iss.values.map((v) => showValue(v)).join(', ')}`}` })
        break
      case 'too_small':
      case 'too_big':
        out.push({ path, message: `got ${showValue(input)}, expected ${sizeExpectation(iss as never, iss.code === 'too_small')}` })
        break
      case 'invalid_format': {
        const f = iss as { format: string; pattern?: string; message: string }
        const what = f.format === 'regex' ? f.message : f.format === 'url' ? 'a URL like http://localhost:7575' : `a valid ${f.format}`
        out.push({ path, message: `got ${showValue(input)}, expected ${what}` })
        break
      }
      default:
        out.push({ path, message: input === undefined || iss.code === 'custom' ? iss.message : `got ${showValue(input)}: ${iss.message}` })
    }
  }
  return out
}

/**
 * A union without discriminator (e.g. rollout `variants`: a list or a map). Branches that failed
 * only because the value had the wrong shape are dropped; if one remains its issues are shown.
 */
function describeUnion(iss: z.core.$ZodIssue, path: PathKey[], input: unknown): RawIssue[] {
  const branches = ((iss as { errors?: z.core.$ZodIssue[][] }).errors ?? []).filter(
    (b) => !(b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0),
  )
  if (branches.length === 1) return describeZodIssues(branches[0]!.map((b) => ({ ...b, path: [...path, ...b.path] })))
  const expected = ((iss as { errors?: z.core.$ZodIssue[][] }).errors ?? [])
    .map((b) => (b[0]?.code === 'invalid_type' && b[0].path.length === 0 ? expectedWord(b[0].expected) : null))
    .filter(Boolean)
  const what = expected.length ? expected.join(' or ') : 'another value'
  return [{ path, message: input === undefined ? `missing required key (expected ${what})` : `got ${showValue(input)}, expected ${what}` }]
}

/** A parsed YAML/JSON text with the means to find the line of a key path. */
export interface ParsedSource {
  data: unknown
  /** Syntax problems (no path). Empty when the text parsed. */
  syntax: { line?: number; message: string }[]
  /** 1-based line of the deepest existing node on `path` (a map entry's line is that of its key). */
  lineOf(path: readonly PathKey[]): number | undefined
}

function locator(doc: Document, counter: LineCounter) {
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : counter.linePos(offset).line)
  const { isMap, isScalar, isSeq } = yaml()
  return (path: readonly PathKey[]): number | undefined => {
    let node: unknown = doc.contents
    let line = lineAt((node as Node | null)?.range?.[0])
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg))
        if (!pair) return line
        const keyLine = lineAt((pair.key as Node | null)?.range?.[0])
        if (i === path.length - 1) return keyLine ?? line
        line = keyLine ?? line
        node = pair.value
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        node = node.items[seg]
        line = lineAt((node as Node | null)?.range?.[0]) ?? line
      } else {
        return line
      }
    }
    return line
  }
}

/** Alias uses allowed when a YAML file is resolved (the yaml library's default). */
export const MAX_YAML_ALIASES = 100

/** Parses YAML text; an alias bomb is a located syntax problem, never a thrown error. */
export function parseYamlSource(text: string): ParsedSource {
  const { LineCounter, parseDocument } = yaml()
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true })
  const syntax: ParsedSource['syntax'] = doc.errors.map((e) => ({ line: counter.linePos(e.pos[0]).line, message: yamlProblem(e.message) }))
  if (syntax.length) return { data: undefined, syntax, lineOf: locator(doc, counter) }
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }), syntax, lineOf: locator(doc, counter) }
  } catch (err) {
    // The yaml library refuses alias bombs ("billion laughs") while resolving aliases.
    if (!/alias/i.test((err as Error).message)) throw err
    return { data: undefined, syntax: [{ message: `YAML aliases (*name) expand to too many nodes (more than ${MAX_YAML_ALIASES} alias uses): refused as a possible alias bomb; write the values out instead` }], lineOf: () => undefined }
  }
}

/**
 * A YAML text whose data a clean parse gave before (see `ParsedYamlCache`): the data as stored,
 * and lines found by parsing the text only when a problem asks for one.
 */
export function cachedYamlSource(text: string, data: unknown): ParsedSource {
  return { data, syntax: [], lineOf: lineOfOnDemand(() => parseYamlSource(text).lineOf) }
}

type LineOf = ParsedSource['lineOf']

/** A line finder made on its first use: finding lines parses the text, which waits for a problem that needs one. */
function lineOfOnDemand(make: () => LineOf): LineOf {
  let find: LineOf | undefined
  return (path) => (find ??= make())(path)
}

/** The parser's message, or what a stack overflow in it means for the user. */
function yamlProblem(message: string): string {
  if (/Maximum call stack/i.test(message)) return 'YAML nests too deeply (the parser ran out of stack, around 1,000 levels): flatten the structure'
  return `YAML syntax error: ${firstLine(message)}`
}

/** Parses JSON text with JSON rules; lines of keys are found through the YAML parser (JSON ⊂ YAML 1.2). */
export function parseJsonSource(text: string): ParsedSource {
  try {
    const data: unknown = JSON.parse(text)
    const lineOf = lineOfOnDemand(() => {
      const counter = new (yaml().LineCounter)()
      return locator(yaml().parseDocument(text, { lineCounter: counter, prettyErrors: false }), counter)
    })
    return { data, syntax: [], lineOf }
  } catch (err) {
    const message = (err as Error).message
    let line: number | undefined
    const lc = /\(line (\d+) column \d+\)/.exec(message)
    const pos = /at position (\d+)/.exec(message)
    if (lc) line = Number(lc[1])
    else if (pos) line = text.slice(0, Number(pos[1])).split('\n').length
    else if (/end of (JSON )?input/i.test(message)) line = text.split('\n').length
    return { data: undefined, syntax: [{ line, message: `JSON syntax error: ${firstLine(message)}` }], lineOf: () => undefined }
  }
}

const firstLine = (m: string) => m.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim()

/**
 * Validates parsed data with a schema; every issue becomes a {@link ConfigIssue} of `file` with
 * its line. Returns the parsed value only when there were no problems.
 */
export function validateParsed<T>(file: string, src: ParsedSource, schema: z.ZodType<T>): { value?: T; issues: ConfigIssue[] } {
  if (src.syntax.length) return { issues: src.syntax.map((s) => ({ file, line: s.line, path: '', message: s.message })) }
  if (src.data === undefined || src.data === null) return { issues: [{ file, line: 1, path: '', message: 'the file is empty' }] }
  const r = schema.safeParse(src.data, { reportInput: true, error: errorMap as never })
  if (r.success) return { value: r.data, issues: [] }
  const issues = describeZodIssues(r.error.issues).map((i) => ({ file, line: src.lineOf(i.path), path: formatPath(i.path) || '(top level)', message: i.message }))
  return { issues }
}
