/**
 * A small unified line diff (LCS-based), enough for pretty-printed JSON payloads of artifacts.
 * Quadratic in the number of lines; payloads shown in a terminal are small.
 */

type Op = { tag: ' ' | '-' | '+'; line: string; a: number; b: number }

function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length
  const m = b.length
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ tag: ' ', line: a[i]!, a: i++, b: j++ })
    // Deletions before insertions, as diff(1) prints them.
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ tag: '-', line: a[i]!, a: i++, b: j })
    else ops.push({ tag: '+', line: b[j]!, a: i, b: j++ })
  }
  return ops
}

/** Unified diff of two texts with `context` lines around changes; "" when they are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  const a = oldText.split('\n')
  const b = newText.split('\n')
  const ops = diffOps(a, b)
  const changed = ops.map((o, k) => (o.tag !== ' ' ? k : -1)).filter((k) => k >= 0)
  if (changed.length === 0) return ''
  const out = [`--- ${oldName}`, `+++ ${newName}`]
  let k = 0
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - context)
    let end = Math.min(ops.length - 1, changed[k]! + context)
    while (k + 1 < changed.length && changed[k + 1]! - context <= end + 1) {
      k++
      end = Math.min(ops.length - 1, changed[k]! + context)
    }
    k++
    const hunk = ops.slice(start, end + 1)
    const aStart = hunk[0]!.a
    const bStart = hunk[0]!.b
    const aLen = hunk.filter((o) => o.tag !== '+').length
    const bLen = hunk.filter((o) => o.tag !== '-').length
    out.push(`@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`)
    for (const o of hunk) out.push(o.tag + o.line)
  }
  return out.join('\n') + '\n'
}
