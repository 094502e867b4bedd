import type { Command } from 'commander'

/**
 * Splits a command line like a POSIX shell would for simple cases: whitespace separates words,
 * single quotes are literal, double quotes allow `\"` and `\\`, a backslash outside quotes escapes
 * the next character. An unclosed quote is an error.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | null = null
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote === "'") {
      if (c === "'") quote = null
      else word += c
    } else if (quote === '"') {
      if (c === '"') quote = null
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i]!
      else word += c
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i]!
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (quote) throw new Error(`unclosed ${quote === '"' ? 'double' : 'single'} quote`)
  if (inWord) words.push(word)
  return words
}

/** Levenshtein edit distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
}

/** Similarity in 0..1 (1 = equal), `1 - distance / longer length`. */
export const similarity = (a: string, b: string): number =>
  a === b ? 1 : 1 - editDistance(a, b) / Math.max(a.length, b.length, 1)

/** The candidate most similar to `input`, when at least `threshold` similar. */
export function closest(input: string, candidates: readonly string[], threshold = 0.6): string | null {
  let best: string | null = null
  let score = threshold
  for (const c of candidates) {
    const s = similarity(input, c)
    if (s >= score && (best === null || s > score)) {
      best = c
      score = s
    }
  }
  return best
}

/** Every "group command" pair (and top-level commands) of a commander tree, sorted. */
export function commandPairs(program: Command): { name: string; description: string }[] {
  const out: { name: string; description: string }[] = []
  const walk = (cmd: Command, prefix: string) => {
    for (const c of cmd.commands) {
      const name = prefix ? `${prefix} ${c.name()}` : c.name()
      if (c.commands.length) walk(c, name)
      else out.push({ name, description: c.description() })
    }
  }
  walk(program, '')
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * "Did you mean …?" for a command line whose command is unknown: compares the first one or two
 * words with every command path. Null when the words name a real command or nothing is close.
 */
export function suggestCommand(words: readonly string[], pairs: readonly { name: string }[]): { unknown: string; suggestion: string } | null {
  const names = pairs.map((p) => p.name)
  const positional = words.filter((w) => !w.startsWith('-'))
  const groups = new Set(names.map((n) => n.split(' ')[0]!))
  const first = positional[0]
  if (first === undefined) return null
  if (!groups.has(first)) {
    const two = positional.slice(0, 2).join(' ')
    const suggestion = closest(two, names) ?? closest(first, [...groups])
    return suggestion ? { unknown: first, suggestion } : null
  }
  const sub = positional[1]
  const inGroup = names.filter((n) => n.startsWith(`${first} `))
  if (!inGroup.length || sub === undefined || inGroup.includes(`${first} ${sub}`)) return null
  const suggestion = closest(`${first} ${sub}`, inGroup)
  return suggestion ? { unknown: sub, suggestion } : null
}
