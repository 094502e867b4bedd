import { pythonRepr } from './pythonRepr'

/**
 * Bridges between Jinja2 semantics (what the original templates were written for) and nunjucks.
 */

/**
 * Applies the Jinja2 lexer rules nunjucks lacks to a template source:
 * - `keep_trailing_newline=False`: one trailing newline of the source is dropped;
 * - with `trim_blocks`, the newline after a comment `#}` is removed too (nunjucks only trims
 *   after `%}`), and with `lstrip_blocks` the indentation before a comment on its own line.
 *   Comments render to nothing, so they are removed here entirely.
 */
export function jinjaSource(src: string, opts: { trimBlocks: boolean; lstripBlocks: boolean }): string {
  let out = src
  if (opts.trimBlocks || opts.lstripBlocks) {
    out = out.replace(/(^[ \t]*)?\{#[\s\S]*?#\}(\r?\n)?/gm, (_m, indent: string | undefined, nl: string | undefined) => {
      const keepIndent = indent && !opts.lstripBlocks ? indent : ''
      const keepNl = nl && !opts.trimBlocks ? nl : ''
      return keepIndent + keepNl
    })
  }
  if (out.endsWith('\r\n')) return out.slice(0, -2)
  if (out.endsWith('\n')) return out.slice(0, -1)
  return out
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

/**
 * Copies template variables so nunjucks renders them like Jinja2:
 * - dicts and lists print as Python `repr` (`{{ arguments }}` → `{'location': 'Paris'}`);
 * - empty lists and dicts are falsy in Jinja (`{% if tools %}` with `tools=[]`), so they become
 *   `null` here. Loops over them still run zero times and `|length` is 0; only printing an empty
 *   list directly differs (`""` instead of `[]`).
 */
export function jinjaValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return null
    const copy = value.map(jinjaValue)
    Object.defineProperty(copy, 'toString', { value: () => pythonRepr(value), enumerable: false })
    return copy
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
    if (keys.length === 0) return null
    const copy: Record<string, unknown> = {}
    for (const k of keys) copy[k] = jinjaValue(value[k])
    Object.defineProperty(copy, 'toString', { value: () => pythonRepr(value), enumerable: false })
    return copy
  }
  return value
}

/** {@link jinjaValue} over every top-level variable. */
export function jinjaContext(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(vars)) out[k] = jinjaValue(v)
  return out
}
