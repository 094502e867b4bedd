import { existsSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { displayPath } from '../engine/config/load'
import { messageOf } from '../engine/errors'
import type { Logger } from '../engine/ports/logger'
import { CUSTOM_SOURCE, loadCustomToolsFresh } from '../engine/tools/custom/loadToolFiles'
import type { ToolRegistry } from '../engine/tools/registry'
import { formatToolProblem } from '../engine/tools/sources'

/** What the app shows about `config/tools/` after a (re)load. */
export interface CustomToolsStatus {
  /** Custom tool names now registered. */
  tools: string[]
  /** One line per problem, naming the file (shown in the app's configuration notice). */
  problems: string[]
}

export interface ToolReloaderOptions {
  configDir: string
  /** The engine's registry: the `custom` source's tools are swapped in place. */
  registry: ToolRegistry
  /** Problems of the start-up load (shown until the next reload). */
  initialProblems: string[]
  logger?: Logger
  /** Quiet time after the last file event before reloading (editors write a file in bursts). */
  debounceMs?: number
  /** After every reload. */
  onReload?: (status: CustomToolsStatus) => void
}

/**
 * Hot reload of `config/tools/` in the app host: watches the folder (and the config folder, for a
 * tools folder created later), and after a burst of changes loads every tool file afresh and
 * swaps the engine's custom tools. A broken file does not remove the other tools; its problem is
 * reported. Conversations pick up the new tools at their next model call.
 */
export class ToolReloader {
  private problemLines: string[]
  private dirWatcher?: FSWatcher
  private toolsWatcher?: FSWatcher
  private timer?: NodeJS.Timeout
  private running: Promise<CustomToolsStatus> | undefined
  private again = false
  private closed = false

  constructor(private readonly o: ToolReloaderOptions) {
    this.problemLines = [...o.initialProblems]
  }

  /** Current problems (start-up or last reload). */
  problems(): string[] {
    return [...this.problemLines]
  }

  /** Starts watching. A folder that cannot be watched is logged, not thrown: the app runs on. */
  start(): this {
    try {
      this.dirWatcher = watch(this.o.configDir, (_event, name) => {
        if (name === 'tools') this.watchTools()
        if (name === 'tools') this.schedule()
      })
      this.dirWatcher.on('error', () => undefined)
    } catch (err) {
      this.o.logger?.warn('cannot watch the config folder for tool changes', { dir: this.o.configDir, error: messageOf(err) })
    }
    this.watchTools()
    return this
  }

  private watchTools(): void {
    const dir = join(this.o.configDir, 'tools')
    if (this.toolsWatcher || !existsSync(dir)) return
    try {
      this.toolsWatcher = watch(dir, () => this.schedule())
      this.toolsWatcher.on('error', () => {
        this.toolsWatcher?.close()
        this.toolsWatcher = undefined
      })
    } catch (err) {
      this.o.logger?.warn('cannot watch the tools folder', { dir, error: messageOf(err) })
    }
  }

  private schedule(): void {
    if (this.closed) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.reload(), this.o.debounceMs ?? 150)
    this.timer.unref?.()
  }

  /** Loads every tool file afresh and swaps the registry's custom tools; one reload at a time. */
  async reload(): Promise<CustomToolsStatus> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      let status: CustomToolsStatus
      do {
        this.again = false
        const load = await loadCustomToolsFresh(this.o.configDir, { display: displayPath, ...(this.o.logger ? { logger: this.o.logger } : {}) })
        const clashes = this.o.registry.replaceSource(CUSTOM_SOURCE, load.tools)
        this.problemLines = [...load.problems, ...clashes].map(formatToolProblem)
        status = { tools: this.o.registry.entries().filter((t) => t.origin.source === CUSTOM_SOURCE).map((t) => t.tool.name), problems: this.problems() }
      } while (this.again && !this.closed)
      this.o.logger?.info('custom tools reloaded', { tools: status.tools, problems: status.problems.length })
      for (const p of status.problems) this.o.logger?.warn('custom tool not loaded', { problem: p })
      return status
    })()
    try {
      const status = await this.running
      if (!this.closed) this.o.onReload?.(status)
      return status
    } finally {
      this.running = undefined
    }
  }

  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    this.dirWatcher?.close()
    this.toolsWatcher?.close()
  }
}
