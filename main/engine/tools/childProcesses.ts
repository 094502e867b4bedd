import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads'

/**
 * Processes that tool sources (MCP stdio servers) started and that are still running, so none is
 * left behind:
 * - a normal exit of the process sends each SIGTERM (`process` 'exit'), whatever closed or not;
 * - a worker thread cannot do that itself (a terminated thread runs no 'exit' handler and leaves
 *   its children's pipes open), so it reports its children to the main thread over a
 *   BroadcastChannel, and the pool that owns the thread stops them when the thread is destroyed
 *   ({@link watchWorkerChildren}).
 */
const CHANNEL = 'p2engine:tool-children'
const live = new Set<number>()
let hooked = false
let channel: BroadcastChannel | undefined

interface ChildMessage { op: 'add' | 'remove'; pid: number; thread: number }

const kill = (pid: number): void => {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    // already gone
  }
}

function post(op: ChildMessage['op'], pid: number): void {
  if (isMainThread) return
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL)
    ;(channel as unknown as { unref?: () => void }).unref?.()
  }
  channel.postMessage({ op, pid, thread: threadId } satisfies ChildMessage)
}

/** Records a started child process. */
export function trackChild(pid: number): void {
  live.add(pid)
  post('add', pid)
  if (hooked) return
  hooked = true
  process.once('exit', () => {
    for (const p of live) kill(p)
    live.clear()
  })
}

/** Forgets a child that has exited or was stopped. */
export function untrackChild(pid: number): void {
  live.delete(pid)
  post('remove', pid)
}

/** Children tracked by this thread (tests). */
export const trackedChildren = (): number[] => [...live]

/** What the main thread knows of its worker threads' children. */
export interface WorkerChildren {
  /** SIGTERM to the children of a destroyed thread (`threadId`). */
  killThread(thread: number): void
  /** SIGTERM to every child of every worker thread (pool shutdown). */
  killAll(): void
  close(): void
}

/** Main thread: follows the children worker threads report (see the module comment). */
export function watchWorkerChildren(): WorkerChildren {
  const ch = new BroadcastChannel(CHANNEL)
  ;(ch as unknown as { unref?: () => void }).unref?.()
  const byThread = new Map<number, Set<number>>()
  const gone = new Set<number>()
  ch.onmessage = (e: unknown) => {
    const m = (e as { data: ChildMessage }).data
    if (m.op === 'remove') {
      byThread.get(m.thread)?.delete(m.pid)
      live.delete(m.pid)
      return
    }
    // A report that arrives after its thread was destroyed: stop the child at once.
    if (gone.has(m.thread)) return kill(m.pid)
    let set = byThread.get(m.thread)
    if (!set) byThread.set(m.thread, (set = new Set()))
    set.add(m.pid)
    trackChild(m.pid) // also stopped if this process exits
  }
  const killThread = (thread: number): void => {
    gone.add(thread)
    for (const pid of byThread.get(thread) ?? []) {
      kill(pid)
      live.delete(pid)
    }
    byThread.delete(thread)
  }
  return {
    killThread,
    killAll: () => {
      for (const thread of [...byThread.keys()]) killThread(thread)
    },
    close: () => ch.close(),
  }
}
