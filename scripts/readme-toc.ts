// Regenerates the "## Contents" list of README.md from its ## and #### headings (GitHub anchors).
// Usage: npx tsx scripts/readme-toc.ts   (tests/unit/readme.test.ts checks the result)
import { readFileSync, writeFileSync } from 'node:fs'
import { tocLines } from './readmeToc'

const file = new URL('../README.md', import.meta.url)
const text = readFileSync(file, 'utf8')
const start = text.indexOf('## Contents\n')
const end = text.indexOf('\n## ', start + 5)
const lines = tocLines(text)
writeFileSync(file, text.slice(0, start) + '## Contents\n\n' + lines.join('\n') + '\n' + text.slice(end))
console.log(`${lines.length} entries`)
