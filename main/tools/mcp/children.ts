/**
 * The MCP server processes this process (or worker thread) started and that are still running.
 * A last-resort guard: when the process or thread exits without closing its servers (a crash, an
 * uncaught error, `process.exit`), they are sent SIGTERM so none is left behind.
 */
const live = new Set<number>()
let hooked = false

function killAll(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  live.clear()
}

/** Records a started server process. */
export function trackChild(pid: number): void {
  live.add(pid)
  if (hooked) return
  hooked = true
  // In a worker thread this fires when the thread ends (pool shutdown, idle timeout, terminate()).
  process.once('exit', killAll)
}

/** Forgets a server process that has exited or was stopped. */
export function untrackChild(pid: number): void {
  live.delete(pid)
}

/** Pids still tracked (tests). */
export const trackedChildren = (): number[] => [...live]
