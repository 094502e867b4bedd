import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Test harness: a real `redis-server` on a free 127.0.0.1 port with its own temp dir, started
 * and stopped by the test (never a hand-started server). `aof: true` keeps data across
 * `restart()` (append-only file, fsync always); otherwise nothing is persisted.
 */
export interface RedisServer {
  url: string
  port: number
  dir: string
  /** Stops the server (SIGTERM, then SIGKILL) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>
  /** Stops and starts the server on the same port and dir (data survives only with `aof`). */
  restart(): Promise<void>
}

/** True when `redis-server` is on PATH (tests skip with a clear reason otherwise). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => { s.destroy(); resolve(ok) }
    s.setTimeout(300, () => done(false))
    s.on('connect', () => s.write('PING\r\n'))
    s.on('data', (d) => done(/\+PONG|NOAUTH/.test(d.toString())))
    s.on('error', () => done(false))
  })
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${child.exitCode}`)
    if (await pingOnce(port)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 2 s`)
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()))
}

/** Starts `redis-server` on 127.0.0.1 and a free port; resolves once it answers PING. */
export async function startRedis(options: { aof?: boolean; password?: string } = {}): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'p2e-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'warning']
  args.push(...(options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']))
  if (options.password) args.push('--requirepass', options.password)
  let child: ChildProcess
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' })
    await waitReady(port, child)
  }
  const halt = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const gone = exited(child)
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
    await gone
    clearTimeout(timer)
  }
  await launch()
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : ''
  let stopped = false
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (stopped) return
      stopped = true
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
    async restart() {
      await halt()
      await launch()
    },
  }
}
