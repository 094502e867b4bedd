// Which B-trees a turn writes: runs N turns of workload A, then reads the WAL's frame headers
// and maps each written page to its table or index (dbstat). `node --import tsx bench/walPages.ts`.
import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeEngine, turns } from './workloads'

const dir = mkdtempSync(join(tmpdir(), 'p2e-walpages-'))
const file = join(dir, 'turns.db')
const n = Number(process.env.N ?? 200)
const e = makeEngine(file, { counted: true })
await turns(e.engine, 'warm', 300, 1, process.env.ROOT ?? 'agent')
e.counter!.begin()
await turns(e.engine, 'x', n, Number(process.env.CONC ?? 1), process.env.ROOT ?? 'agent')
const wal = readFileSync(`${file}-wal`)
const ro = new Database(file, { readonly: true })
const pageSize = wal.readUInt32BE(8)
const owner = new Map<number, string>()
for (const r of ro.prepare('SELECT name, pageno, pagetype FROM dbstat').all() as { name: string; pageno: number; pagetype: string }[]) owner.set(r.pageno, `${r.name} (${r.pagetype})`)
const byOwner = new Map<string, number>()
let frames = 0, commits = 0
for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
  const page = wal.readUInt32BE(off)
  const size = wal.readUInt32BE(off + 4)
  frames++
  if (size) commits++
  const k = page === 1 ? 'page 1 (header)' : owner.get(page) ?? `page ${page} (free/other)`
  byOwner.set(k, (byOwner.get(k) ?? 0) + 1)
}
console.log(`page size ${pageSize}; ${frames / n} frames per turn; ${commits / n} commits per turn`)
for (const [k, v] of [...byOwner].sort((a, b) => b[1] - a[1])) console.log(`${(v / n).toFixed(2).padStart(6)}  ${k}`)
ro.close()
e.close()
rmSync(dir, { recursive: true, force: true })
