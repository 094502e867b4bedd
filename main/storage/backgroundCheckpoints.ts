import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** WAL size at which a store starts its checkpoint thread (a short command never gets there). */
export const START_AT_WAL_BYTES = 2 * 1024 * 1024
/** How often the main thread looks at the WAL size before the thread runs. */
const WATCH_MS = 250
/** Write transactions between two looks at the WAL size from the write path (besides the timer). */
const LOOK_EVERY_WRITES = 64
/** WAL size at which the write path starts the thread: a burst the timer never saw (see `noteWrite`). */
export const BURST_START_AT_WAL_BYTES = 4 * START_AT_WAL_BYTES

// The thread: plain CommonJS (no build step), given better-sqlite3's resolved path. Every
// `everyMs` it copies committed WAL frames into the database (PASSIVE: never blocks a writer or a
// reader); when writers appended frames meanwhile it goes again at once, so it catches up and the
// next write can restart the WAL from its beginning.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
db.pragma('busy_timeout = 0')
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
let timer = null
let closed = false
const pass = (rounds) => {
  timer = null
  if (closed) return
  let behind = false
  try {
    const [r] = checkpoint.all()
    behind = r.busy === 0 && r.log > r.checkpointed
  } catch {
    // busy or failing: the writer's own autocheckpoint is the safety net; try again later
  }
  timer = behind && rounds < 8 ? setImmediate(() => pass(rounds + 1)) : setTimeout(() => pass(0), workerData.everyMs)
}
pass(0)
const done = new Int32Array(workerData.done)
parentPort.on('message', (m) => {
  if (m !== 'close') return
  closed = true
  if (timer) { clearTimeout(timer); clearImmediate(timer) }
  try { db.close() } finally {
    // the store's close waits for this: the file is no longer open here once it returns
    Atomics.store(done, 0, 1)
    Atomics.notify(done, 0)
    parentPort.close()
  }
})
`

/**
 * Moves WAL checkpoints off the thread that writes. SQLite checkpoints inside the commit that
 * crosses `wal_autocheckpoint`: that commit copies the whole WAL into the database and syncs it
 * (about 40 ms for 20 MB here, about 70 µs per engine turn on average), which stalls the event
 * loop of the app's main process. Once the WAL of a store has grown past
 * {@link START_AT_WAL_BYTES}, a worker thread with its own connection checkpoints it every
 * `everyMs`; the writer's `wal_autocheckpoint` stays as the safety net if the thread falls behind
 * or cannot start. The thread does not keep the process alive and closes with the store.
 */
export class BackgroundCheckpoints {
  private worker?: Worker
  private watch?: NodeJS.Timeout
  private stopped = false
  /** Raised by the thread once its connection is closed. */
  private done?: Int32Array

  /**
   * @param onStart called when the thread starts (the store raises its own checkpoint threshold:
   *   with the thread copying frames as they come, the writer only restarts the WAL, rarely).
   */
  constructor(private readonly file: string, private readonly onStart: (running: boolean) => void = () => {}, private readonly everyMs = 25) {
    this.watch = setInterval(() => this.look(), WATCH_MS)
    this.watch.unref()
  }

  /** True once the checkpoint thread runs. */
  get running(): boolean {
    return this.worker !== undefined
  }

  private writes = 0

  /**
   * Called at the start of every write transaction of the store: every {@link LOOK_EVERY_WRITES}th
   * one looks at the WAL size and starts the thread past {@link BURST_START_AT_WAL_BYTES}. The
   * timer alone was not enough: work that never yields to the event loop's timers (a burst of
   * instant turns, a long import) grew the WAL to the writer's own checkpoint threshold without
   * the thread ever starting, and every ~600 turns one commit stalled ~50 ms copying 20 MB and
   * syncing it.
   */
  noteWrite(): void {
    if (this.worker || this.stopped || ++this.writes % LOOK_EVERY_WRITES !== 0) return
    this.look(BURST_START_AT_WAL_BYTES)
  }

  private look(startAt = START_AT_WAL_BYTES): void {
    let size = 0
    try {
      size = statSync(`${this.file}-wal`).size
    } catch {
      return
    }
    if (size >= startAt) this.start()
  }

  /** Starts the thread now (normally when the WAL has grown; tests call it directly). */
  start(): void {
    if (this.worker || this.stopped) return
    clearInterval(this.watch)
    this.watch = undefined
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const done = new SharedArrayBuffer(4)
    this.done = new Int32Array(done)
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file, everyMs: this.everyMs, done } })
    worker.unref()
    worker.on('error', () => {
      // e.g. the native module cannot load in a thread: commits keep checkpointing themselves
      if (this.worker === worker) this.worker = undefined
      this.stopped = true
      this.onStart(false)
    })
    this.worker = worker
    this.onStart(true)
  }

  /**
   * Stops the thread; called when the store closes. Waits (at most `waitMs`, one checkpoint pass)
   * until the thread has closed its connection, so that nothing of this store keeps the file open
   * once `close()` returns (a restore renames it, Windows cannot delete an open file).
   */
  stop(waitMs = 2000): void {
    this.stopped = true
    if (this.watch) clearInterval(this.watch)
    this.watch = undefined
    const worker = this.worker
    this.worker = undefined
    if (!worker || !this.done) return
    worker.postMessage('close')
    Atomics.wait(this.done, 0, 0, waitMs)
  }
}
