import { pc, type Output } from '../output'

const BAR = 20
const bar = (p: number): string => {
  const n = Math.max(0, Math.min(BAR, Math.round((p / 100) * BAR)))
  return pc.green('█'.repeat(n)) + pc.dim('░'.repeat(BAR - n))
}

interface Running {
  phase: string
  progress: number
  started: number
}

/**
 * A worker's live view: on a TTY, one header line (name, concurrency, done/failed/refused) and a
 * bar per job in flight, redrawn every 250 ms; otherwise one plain line per job event.
 */
export class WorkerProgress {
  private readonly running = new Map<string, Running>()
  private done = 0
  private failed = 0
  private refused = 0
  private drawn = 0
  private timer: NodeJS.Timeout | undefined
  private readonly t0 = Date.now()

  constructor(private readonly o: { io: Output; tty: boolean; name: string; concurrency: number; target: string }) {
    if (o.tty) {
      this.timer = setInterval(() => this.draw(), 250)
      this.timer.unref()
    }
  }

  private line(text: string): void {
    if (!this.o.tty) this.o.io.out(`[${((Date.now() - this.t0) / 1000).toFixed(1)}s] ${text}`)
  }

  started(jobId: string, attempt: number): void {
    this.running.set(jobId, { phase: 'starting', progress: 0, started: Date.now() })
    this.line(`${jobId} started${attempt > 1 ? ` (attempt ${attempt})` : ''}`)
  }

  phase(jobId: string, phase: string, progress: number): void {
    const r = this.running.get(jobId)
    if (r) Object.assign(r, { phase, progress })
  }

  finished(jobId: string, status: 'done' | 'failed', detail: string): void {
    const r = this.running.get(jobId)
    this.running.delete(jobId)
    if (status === 'done') this.done++
    else this.failed++
    const ms = r ? Date.now() - r.started : 0
    this.line(`${jobId} ${status === 'done' ? pc.green('done') : pc.red('failed')}${detail ? ` ${detail}` : ''} (${(ms / 1000).toFixed(1)} s)`)
  }

  refusedJob(message: string): void {
    this.refused++
    // Always one line, even on a TTY: the user must see why jobs are refused.
    this.clear()
    this.o.io.err(message)
  }

  message(text: string): void {
    this.clear()
    this.o.io.out(text)
  }

  private clear(): void {
    if (this.o.tty && this.drawn) process.stdout.write(`\x1b[${this.drawn}A\x1b[J`)
    this.drawn = 0
  }

  private draw(): void {
    const head = pc.bold(`worker ${this.o.name}`) + ` · ${this.o.target} · ${this.running.size}/${this.o.concurrency} running · ${this.done} done · ${this.failed} failed` + (this.refused ? pc.red(` · ${this.refused} refused`) : '')
    const lines = [head, ...[...this.running].map(([id, r]) => `  ${bar(r.progress)} ${id.padEnd(36)} ${r.phase} ${((Date.now() - r.started) / 1000).toFixed(1)} s`)]
    process.stdout.write((this.drawn ? `\x1b[${this.drawn}A\x1b[J` : '') + lines.join('\n') + '\n')
    this.drawn = lines.length
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.o.tty) this.draw()
  }
}
