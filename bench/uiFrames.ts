// UI frame times: the built UI in Debian's Chromium (Playwright) against the browser host on a
// home with a 10,000-entry conversation and a finished 2,000-variant rollout; each list is flung
// from one end to the other in a fixed number of animation frames while requestAnimationFrame
// deltas are recorded. A benchmark, not a test: the e2e spec tests/e2e/largeLists.spec.ts checks
// the behaviour (both lists render and reach their last row).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type CDPSession, type Page } from 'playwright-core'
import { LARGE } from '../tests/fixtures/largeUiHome'
import { startLargeUiHost } from '../tests/fixtures/largeUiHost'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Frames over which a list is scrolled from one end to the other (~5 s at 60 Hz). */
const FLING_FRAMES = Number(process.env.P2ENGINE_BENCH_UI_FRAMES ?? 300)
const JANK_MS = 50

/** One list's figures. */
export interface UiFrameRow {
  list: string
  /** Click (select the conversation / rollout) → its first rows in the DOM, ms. */
  firstRenderMs: number
  frames: number
  p50: number
  p95: number
  p99: number
  max: number
  /** Frames longer than 50 ms. */
  janky: number
  /** Rows (messages / grid cells) in the DOM at the end: a virtualised list keeps this small. */
  domRows: number
  /** Renderer main-thread CPU time per frame during the scroll (CDP ThreadTime): steadier than frame times on a busy machine. */
  cpuPerFrameMs: number
  /** Of which JavaScript (CDP ScriptDuration). */
  scriptPerFrameMs: number
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}

// In-page code, as source text (this file is type-checked without the DOM library).
const TIME_TO_RENDER = `([button, ready]) => new Promise((resolve) => {
  const t0 = performance.now()
  document.querySelector(button).click()
  const poll = () => (document.querySelector(ready) ? resolve(performance.now() - t0) : requestAnimationFrame(poll))
  poll()
})`
// One step per frame toward the other end; the height is re-read each frame (measured rows change
// it while scrolling); ten more frames at the end let the last rows settle.
const FLING = `([selector, up, n]) => new Promise((resolve) => {
  const el = document.querySelector(selector)
  const deltas = []
  let last = 0
  let i = 0
  const step = (t) => {
    if (last) deltas.push(t - last)
    last = t
    const remaining = up ? el.scrollTop : el.scrollHeight - el.clientHeight - el.scrollTop
    el.scrollTop += (up ? -1 : 1) * Math.ceil(remaining / Math.max(1, n - i++))
    if (i > n + 10) resolve(deltas)
    else requestAnimationFrame(step)
  }
  requestAnimationFrame(step)
})`

/** Clicks `button`, then waits (polling once per frame) until `ready` matches; returns the elapsed ms. */
async function timeToRender(page: Page, button: string, ready: string): Promise<number> {
  await page.locator(button).first().waitFor()
  return page.evaluate(`(${TIME_TO_RENDER})(${JSON.stringify([button, ready])})`) as Promise<number>
}

/** Scrolls `scroller` to its other end in `frames` frames (one step per frame) and returns the frame deltas. */
async function fling(page: Page, scroller: string, toTop: boolean, frames: number): Promise<number[]> {
  return page.evaluate(`(${FLING})(${JSON.stringify([scroller, toTop, frames])})`) as Promise<number[]>
}

/** The renderer's ThreadTime and ScriptDuration so far, in ms (Chrome DevTools Protocol `Performance` domain). */
async function cpuNow(cdp: CDPSession): Promise<{ thread: number; script: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const get = (name: string): number => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000
  return { thread: get('ThreadTime'), script: get('ScriptDuration') }
}

/** Flings the list and measures frame deltas and the main thread's CPU time while it moves. */
async function measureFling(page: Page, cdp: CDPSession, scroller: string, toTop: boolean): Promise<{ deltas: number[]; cpu: { thread: number; script: number } }> {
  const before = await cpuNow(cdp)
  const deltas = await fling(page, scroller, toTop, FLING_FRAMES)
  const after = await cpuNow(cdp)
  return { deltas, cpu: { thread: after.thread - before.thread, script: after.script - before.script } }
}

function row(list: string, firstRenderMs: number, m: { deltas: number[]; cpu: { thread: number; script: number } }, domRows: number): UiFrameRow {
  const { deltas } = m
  return {
    list, firstRenderMs, frames: deltas.length, p50: quantile(deltas, 0.5), p95: quantile(deltas, 0.95), p99: quantile(deltas, 0.99),
    max: Math.max(...deltas), janky: deltas.filter((d) => d > JANK_MS).length, domRows,
    cpuPerFrameMs: m.cpu.thread / deltas.length, scriptPerFrameMs: m.cpu.script / deltas.length,
  }
}

/** Builds the UI when out/renderer is missing, seeds a home, and measures both lists. */
export async function benchUiFrames(): Promise<{ rows: UiFrameRow[]; seedMs: number }> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`)
  }
  const host = await startLargeUiHost()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const rows: UiFrameRow[] = []

    await page.goto(`${host.url}#/chat`)
    const chatTtr = await timeToRender(page, `button.conv[title="${LARGE.conversationName}"]`, '[data-testid="message-list"] [data-testid="message"]')
    await page.getByTestId('message-list').getByText(`answer ${LARGE.entries / 2}`, { exact: true }).waitFor()
    const chat = await measureFling(page, cdp, '[data-testid="message-list"]', true)
    await page.getByTestId('message-list').getByText('question 1', { exact: true }).waitFor()
    rows.push(row(`conversation, ${LARGE.entries.toLocaleString('en-US')} entries (to the top)`, chatTtr, chat, await page.getByTestId('message').count()))

    await page.goto(`${host.url}#/rollouts`)
    const gridTtr = await timeToRender(page, `button[title*="${LARGE.rolloutId}"]`, '[data-testid="variant-cell"]')
    const grid = await measureFling(page, cdp, '[data-testid="variant-scroll"]', false)
    const lastKey = `${LARGE.team}/v${LARGE.variants - 1}`
    await page.locator(`[data-testid="variant-cell"][data-key="${lastKey}"]`).waitFor()
    rows.push(row(`rollout grid, ${LARGE.variants.toLocaleString('en-US')} variants (to the last)`, gridTtr, grid, await page.getByTestId('variant-cell').count()))
    return { rows, seedMs: host.seedMs }
  } finally {
    await browser.close()
    await host.close()
  }
}

/** Prints the `UI frame times` table (Markdown, like the CLI table). */
export function printUiFrames(r: { rows: UiFrameRow[]; seedMs: number }): void {
  const ms = (v: number): string => `${v.toFixed(1)} ms`
  const head = ['list', 'first render', 'frames', 'p50', 'p95', 'p99', 'max', `> ${JANK_MS} ms`, 'CPU / frame (JS)', 'rows in DOM']
  const cells = r.rows.map((x) => [
    x.list, ms(x.firstRenderMs), String(x.frames), ms(x.p50), ms(x.p95), ms(x.p99), ms(x.max), String(x.janky),
    `${ms(x.cpuPerFrameMs)} (${ms(x.scriptPerFrameMs)})`, String(x.domRows),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`
  console.log(`\n## UI frame times (Chromium, headless, 1360×900; each list scrolled end to end in ${FLING_FRAMES} frames)\n`)
  console.log(`Seeded through the real stores in ${Math.round(r.seedMs)} ms. Frame = requestAnimationFrame delta (16.7 ms at 60 Hz);`)
  console.log('CPU / frame = renderer main-thread CPU time over the scroll / frames, the figure to compare on a busy machine; in brackets the time spent')
  console.log('running JavaScript per frame (wall time, so it can exceed the CPU time when the machine is busy).')
  console.log()
  console.log(line(head))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const c of cells) console.log(line(c))
}

// `node --import tsx bench/uiFrames.ts` runs this table alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) printUiFrames(await benchUiFrames())
