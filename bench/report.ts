/** One benchmark result line. */
export interface BenchRow {
  name: string
  value: number
  unit: string
  note?: string
  target?: string
  ok?: boolean
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: BenchRow[]): void {
  const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2))
  const cells = rows.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, r.target ? `${r.target} ${r.ok ? '✓' : '✗'}` : '', r.note ?? ''])
  const head = ['benchmark', 'result', 'target', 'notes']
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')
  console.log(`\n## ${title}\n`)
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  for (const c of cells) console.log(line(c))
}
