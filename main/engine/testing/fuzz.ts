/**
 * A small deterministic fuzzing kit for tests: a seeded PRNG (mulberry32) and mutators for
 * structured values and text. Same seed, same cases, on every machine; no dependency.
 */

/** Seeded pseudo-random source. */
export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = this.int(256)
    return b
  }

  /** Text mixing printable ASCII, control characters, non-ASCII and lone surrogates. */
  text(n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) {
      const r = this.next()
      s += r < 0.6 ? String.fromCharCode(32 + this.int(95)) : r < 0.75 ? String.fromCharCode(this.int(32)) : r < 0.9 ? String.fromCharCode(0x80 + this.int(0x2000)) : String.fromCharCode(0xd800 + this.int(0x800))
    }
    return s
  }
}

/** Values that break code which assumes a type: each a different JSON/YAML kind or edge. */
export const ODD_VALUES: readonly unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, '', ' ', '0', 'null', '__proto__',
  '\u0000\u001b[2J', 'x'.repeat(100_000), [], [null], {}, { __proto__: null, constructor: 'x' }, { toString: 1, valueOf: 'x' },
]

/** Keys that pollute prototypes when code merges objects naively. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const

/** `depth` nested arrays around `inner`. */
export function nest(depth: number, inner: unknown = 1): unknown {
  let v = inner
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

type Path = (string | number)[]

/** Every path to a value inside `v` (objects and arrays), root excluded. */
export function pathsOf(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  // Bounded: a mutant may already hold a huge or deeply nested value.
  if (v && typeof v === 'object' && at.length < 20 && out.length < 2000) {
    for (const [k, child] of Object.entries(v).slice(0, 50)) {
      const p = [...at, Array.isArray(v) ? Number(k) : k]
      out.push(p)
      pathsOf(child, p, out)
    }
  }
  return out
}

const clone = <T>(v: T): T => structuredClone(v)

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let v = root as Record<string | number, unknown> | undefined
  for (const k of path.slice(0, -1)) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined
    v = v[k] as Record<string | number, unknown>
  }
  return v && typeof v === 'object' ? v : undefined
}

/**
 * One structural mutation of a JSON-like value (the input is not changed): delete a key, give a
 * value another type, an odd value, a huge or deeply nested one, add a prototype key, or
 * duplicate an entry. Returns the mutated value and what was done.
 */
export function mutateValue(rng: Rng, value: unknown): { value: unknown; what: string } {
  const root = clone(value)
  const paths = pathsOf(root)
  if (!paths.length) return { value: rng.pick(ODD_VALUES), what: 'root replaced' }
  const path = rng.pick(paths)
  const parent = parentOf(root, path)
  // A path through a prototype key added by an earlier mutation is not walkable: start over.
  if (!parent) return { value: rng.pick(ODD_VALUES), what: 'root replaced' }
  const key = path[path.length - 1]!
  const where = path.join('.')
  switch (rng.int(7)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key]
      return { value: root, what: `deleted ${where}` }
    case 1: {
      const odd = rng.pick(ODD_VALUES)
      parent[key] = clone(odd)
      return { value: root, what: `${where} = ${JSON.stringify(odd)?.slice(0, 40)}` }
    }
    case 2: {
      const cur = parent[key]
      parent[key] = typeof cur === 'string' ? rng.int(1000) : typeof cur === 'number' ? String(cur) : Array.isArray(cur) ? { 0: cur[0] } : cur && typeof cur === 'object' ? Object.values(cur) : [cur]
      return { value: root, what: `${where} type swapped` }
    }
    case 3:
      // Mostly moderate; now and then past what a recursive parser's stack holds.
      parent[key] = nest(rng.next() < 0.03 ? 1000 + rng.int(500) : 20 + rng.int(200), parent[key])
      return { value: root, what: `${where} nested deeply` }
    case 4:
      parent[key] = rng.next() < 0.5 ? 'x'.repeat(10_000 + rng.int(40_000)) : Array.from({ length: 500 + rng.int(1_500) }, (_, i) => (i % 2 ? i : `item ${i}`))
      return { value: root, what: `${where} huge` }
    case 5: {
      const target = parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key]) ? (parent[key] as Record<string, unknown>) : parent
      const k = rng.pick(PROTO_KEYS)
      Object.defineProperty(target, k, { value: { polluted: true, agents: [], teams: {} }, enumerable: true, writable: true, configurable: true })
      return { value: root, what: `${where} gets key ${k}` }
    }
    default:
      parent[key] = rng.text(1 + rng.int(40))
      return { value: root, what: `${where} = random text` }
  }
}

/**
 * One textual mutation of a file's text: truncate, insert random bytes or control characters,
 * duplicate a line (a duplicate key in YAML), swap two lines, or add YAML aliases/tags.
 */
export function mutateText(rng: Rng, text: string): { text: string; what: string } {
  const lines = text.split('\n')
  const at = rng.int(Math.max(1, text.length))
  switch (rng.int(8)) {
    case 0:
      return { text: text.slice(0, at), what: `truncated at ${at}` }
    case 1:
      return { text: text.slice(0, at) + rng.bytes(1 + rng.int(16)).toString('latin1') + text.slice(at), what: `random bytes at ${at}` }
    case 2:
      return { text: text.slice(0, at) + rng.text(1 + rng.int(16)) + text.slice(at), what: `random text at ${at}` }
    case 3: {
      const i = rng.int(lines.length)
      lines.splice(i, 0, lines[i]!)
      return { text: lines.join('\n'), what: `line ${i + 1} duplicated` }
    }
    case 4: {
      const i = rng.int(lines.length)
      const j = rng.int(lines.length)
      ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
      return { text: lines.join('\n'), what: `lines ${i + 1} and ${j + 1} swapped` }
    }
    case 5:
      return { text: `x: &a [1, 2, *a]\n${text}`, what: 'self-referencing alias' }
    case 6: {
      const tag = rng.pick(['!!binary', '!!timestamp', '!!set', '!!omap', '!!js/function', '!!python/object', '!custom', '!!float', '!!int'])
      const i = rng.int(lines.length)
      lines[i] = lines[i]!.replace(/: (\S)/, `: ${tag} $1`)
      return { text: lines.join('\n'), what: `tag ${tag} on line ${i + 1}` }
    }
    default:
      return { text: '\ufeff' + text.replace(/ {2}/g, rng.next() < 0.5 ? '\t' : '   '), what: 'BOM and indentation changed' }
  }
}
