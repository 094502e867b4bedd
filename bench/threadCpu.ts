import { readdirSync, readFileSync } from 'node:fs'

/** CPU ticks (user + system, 1/100 s on Linux) per thread of this process; empty where /proc is missing. */
export function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>()
  let tasks: string[]
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return ticks
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks.set(tid, Number(fields[11]) + Number(fields[12]))
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks
}

/**
 * CPU ms between two {@link threadTicks} snapshots: this process's main thread and all its other
 * threads (worker threads, V8's GC and compiler helpers, SQLite's checkpoint thread). Null
 * where /proc is missing. A thread that ended between the snapshots is not counted.
 */
export function threadCpuMs(before: Map<string, number>, after: Map<string, number>): { mainMs: number; otherMs: number } | null {
  if (after.size === 0) return null
  const main = String(process.pid)
  let mainMs = 0
  let otherMs = 0
  for (const [tid, t] of after) {
    const ms = (t - (before.get(tid) ?? 0)) * 10
    if (tid === main) mainMs += ms
    else otherMs += ms
  }
  return { mainMs, otherMs }
}
