// Summarises a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, busy time only.
// usage: node scripts/cpuprofile-summary.mjs FILE [TOP] [noincl]; WITHIN=fnName limits it to stacks through fnName.
import { readFileSync } from 'node:fs'
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const top = Number(process.argv[3] ?? 40)
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const dt = new Map()
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0))
let total = 0
for (const v of dt.values()) total += v
if (process.env.WITHIN) { total = 0; for (const [id, v] of dt) { for (let c = id; c !== undefined; c = parent.get(c)) if (byId.get(c).callFrame.functionName === process.env.WITHIN) { total += v; break } } }
const short = (u) => u.replace(/^.*node_modules\//, 'nm/').replace(/^.*\/work\/[^/]+\//, '').replace(/^file:\/\//, '')
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber}`
const within = process.env.WITHIN
const self = new Map(), incl = new Map()
for (const [id, t] of dt) {
  const n = byId.get(id)
  if (within) { let ok = false; for (let c = id; c !== undefined; c = parent.get(c)) if (byId.get(c).callFrame.functionName === within) { ok = true; break } ; if (!ok) continue }
  self.set(key(n), (self.get(key(n)) ?? 0) + t)
  const seen = new Set()
  for (let c = id; c !== undefined; c = parent.get(c)) {
    const k = key(byId.get(c)); if (seen.has(k)) continue; seen.add(k)
    incl.set(k, (incl.get(k) ?? 0) + t)
  }
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0)
console.log(`total ${(total/1000).toFixed(0)} ms, idle ${(idle/1000).toFixed(0)} ms, busy ${((total-idle)/1000).toFixed(0)} ms`)
const busy = total - idle
const show = (m, title) => { console.log('--', title); for (const [k, v] of [...m].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(((v / busy) * 100).toFixed(1).padStart(5), '%', k) }
show(self, 'self')
if (process.argv[4] !== 'noincl') show(incl, 'inclusive')
