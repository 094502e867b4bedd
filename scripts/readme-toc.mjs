// Regenerates the "## Contents" list of README.md from its ## and #### headings (GitHub anchors).
// Usage: node scripts/readme-toc.mjs   (tests/unit/readme.test.ts checks the result)
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../README.md', import.meta.url)
const text = readFileSync(file, 'utf8')
const slug = (t) => [...t.replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '').trim().toLowerCase()]
  .map((c) => (c === ' ' ? '-' : /[\p{L}\p{N}\p{Mn}_-]/u.test(c) ? c : '')).join('')
const seen = new Map()
const lines = []
let fence = false
for (const line of text.split('\n')) {
  if (line.trimStart().startsWith('```')) { fence = !fence; continue }
  if (fence) continue
  const m = /^(#{2,6})\s+(.*?)\s*#*\s*$/.exec(line)
  if (!m) continue
  const s = slug(m[2])
  const n = seen.get(s) ?? 0
  seen.set(s, n + 1)
  if (m[2] === 'Contents') continue
  const anchor = n ? `${s}-${n}` : s
  const indent = m[1].length === 2 ? '' : '  '
  lines.push(`${indent}- [${m[2].replace(/`/g, '`')}](#${anchor})`)
}
const start = text.indexOf('## Contents\n')
const end = text.indexOf('\n## ', start + 5)
writeFileSync(file, text.slice(0, start) + '## Contents\n\n' + lines.join('\n') + '\n' + text.slice(end))
console.log(`${lines.length} entries`)
