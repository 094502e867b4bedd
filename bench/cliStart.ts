// CLI cold start: wall time of whole `p2engine` processes against `node -e 0`, measured in one run.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUILT = join(ROOT, 'out', 'main', 'cli.js')
const BUNDLE = join(ROOT, 'out', 'main', 'cli.cjs')
const BIN = join(ROOT, 'bin', 'p2engine.cjs')
const TARGET_MS = 300
const TARGET_RATIO = 2

/** One command's figures over the rounds. */
export interface CliStartRow {
  command: string
  minMs: number
  medianMs: number
  maxMs: number
  /** Median over the rounds of (this command's wall time / `node -e 0`'s in the same round). */
  ratio: number
  /** Whether the targets apply (the `p2engine` commands the issue names). */
  targeted: boolean
}

/** What was measured and how. */
export interface CliStartResult {
  rows: CliStartRow[]
  runs: number
  /** How out/ was obtained: fresh, rebuilt, or stale (rebuilding failed). */
  build: string
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path))
    else if (/\.(ts|tsx|json)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** Uses out/ when it is newer than every source it is built from; else runs `npm run build`. */
function ensureBuilt(): string {
  const sources = Math.max(...['main', 'workers'].map((d) => newestMtime(join(ROOT, d))), statSync(join(ROOT, 'electron.vite.config.ts')).mtimeMs)
  if (existsSync(BUILT) && existsSync(BUNDLE) && statSync(BUILT).mtimeMs >= sources) return 'out/ is up to date with the sources'
  const why = existsSync(BUILT) ? 'out/ was stale (older than the newest source)' : 'out/ was missing'
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' })
  if (r.status === 0) return `${why}: rebuilt with \`npm run build\``
  if (!existsSync(BUILT)) throw new Error(`${why} and \`npm run build\` failed:\n${r.stderr}`)
  return `STALE: ${why} and \`npm run build\` failed, so these figures are of an OLD build`
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Wall milliseconds of one whole process (start to exit); fails on a non-zero exit. */
function wallMs(args: readonly string[], env: NodeJS.ProcessEnv, extraEnv: NodeJS.ProcessEnv = {}): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr.toString()}`)
  return ms
}

/**
 * Runs `node -e 0`, `p2engine --version`, `p2engine agent list` and `p2engine ledger balance`
 * (on a temp home whose wallets `ledger init` created) in turn, `runs` rounds after one warm-up
 * round, and reports min/median/max wall time and the median ratio to `node -e 0` of the same round.
 * Each targeted command also runs the way earlier builds did, one lever at a time: the ES-module
 * build with chunks (out/main/cli.js) and the one-file bundle without its code cache.
 */
export function benchCliStart(runs = Number(process.env.P2ENGINE_BENCH_CLI_RUNS ?? 15)): CliStartResult {
  const build = ensureBuilt()
  const home = mkdtempSync(join(tmpdir(), 'p2e-clistart-'))
  const env: NodeJS.ProcessEnv = { ...process.env, P2ENGINE_HOME: home, OPENAI_API_KEY: '', NODE_OPTIONS: '' }
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  try {
    wallMs([BIN, 'ledger', 'init'], env)
    const noCache = { P2ENGINE_CODE_CACHE: 'off' }
    const commands: { command: string; args: string[]; targeted: boolean; env?: NodeJS.ProcessEnv }[] = [
      { command: 'node -e 0', args: ['-e', '0'], targeted: false },
      { command: 'p2engine --version', args: [BIN, '--version'], targeted: false },
      ...[['agent', 'list'], ['ledger', 'balance']].flatMap((cmd) => [
        { command: `  ${cmd.join(' ')}: ES modules, chunks (out/main/cli.js)`, args: [BUILT, ...cmd], targeted: false },
        { command: `  ${cmd.join(' ')}: one bundle, no code cache`, args: [BIN, ...cmd], targeted: false, env: noCache },
        { command: `p2engine ${cmd.join(' ')}`, args: [BIN, ...cmd], targeted: true },
      ]),
    ]
    const times = commands.map(() => [] as number[])
    for (let round = -1; round < runs; round++) {
      const t = commands.map((c) => wallMs(c.args, env, c.env))
      if (round >= 0) t.forEach((ms, i) => times[i]!.push(ms))
    }
    const rows = commands.map((c, i) => ({
      command: c.command,
      minMs: Math.min(...times[i]!),
      medianMs: median(times[i]!),
      maxMs: Math.max(...times[i]!),
      ratio: median(times[i]!.map((ms, r) => ms / times[0]![r]!)),
      targeted: c.targeted,
    }))
    return { rows, runs, build }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

/** Prints the `CLI cold start` table (Markdown, like the other tables of `npm run bench`). */
export function printCliStart(r: CliStartResult): void {
  const ms = (v: number): string => `${Math.round(v)} ms`
  const head = ['command', 'min', 'median', 'max', '× node -e 0', `≤ ${TARGET_MS} ms`, `≤ ${TARGET_RATIO}×`]
  const cells = r.rows.map((x) => [
    x.command, ms(x.minMs), ms(x.medianMs), ms(x.maxMs), `${x.ratio.toFixed(2)}×`,
    x.targeted ? (x.medianMs <= TARGET_MS ? '✓' : '✗') : '',
    x.targeted ? (x.ratio <= TARGET_RATIO ? '✓' : '✗') : '',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`
  console.log(`\n## CLI cold start (built CLI, wall time of the whole process, ${r.runs} rounds)\n`)
  console.log(r.build)
  console.log('p2engine runs out/main/cli.cjs through its V8 code cache; the indented rows run the same command without one lever each.')
  console.log()
  console.log(line(head))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const c of cells) console.log(line(c))
}

// `node --import tsx bench/cliStart.ts` runs this table alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) printCliStart(benchCliStart())
