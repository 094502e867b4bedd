import { spawn } from 'node:child_process'
import { InvalidArgumentError, type Command } from 'commander'
import { APP_NAME, APP_VERSION } from '../../app/bootstrap'
import { EventBus } from '../../ipc/eventBus'
import { liveEventsTarget, startLiveEvents } from '../../compose/liveEvents'
import { maskRedisUrl } from '../../scaleout/redisConfig'
import { readSavedSettings } from '../../app/settings/settingsService'
import { startWebHost, type WebHost } from '../../web/server'
import { findRendererDir } from '../../web/rendererDir'
import type { CliContext } from '../context'
import type { Wrap } from '../program'

export interface UiOptions {
  port?: number
  open: boolean
  /** Redis for live events (else Settings' URL without a password, REDIS_URL/REDIS_*, config.json). */
  redis?: string
}

const portOption = (value: string): number => {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 65_535) throw new InvalidArgumentError(`--port must be a whole number from 1 to 65535, got "${value}"`)
  return n
}

/** Resolves on Ctrl-C or SIGTERM (the default way `p2engine ui` ends). */
export const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })

/** Opens the URL in the user's browser; failures are ignored (the URL is printed anyway). */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]]
    : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
  } catch {
    // No browser launcher: the printed URL is the fallback.
  }
}

/**
 * Serves the UI and the contract until Ctrl-C (or `deps.stop`), then closes the host. The context
 * (and with it the store) is closed by the CLI wrapper afterwards.
 */
export async function runUi(
  ctx: CliContext,
  opts: UiOptions,
  deps: { stop?: Promise<void>; rendererDir?: string; onListening?: (host: WebHost, liveReady: Promise<void>) => void } = {},
): Promise<WebHost> {
  const rendererDir = deps.rendererDir ?? findRendererDir()
  ctx.hostsEventBus = true // this host's bus shares the events (below), the context must not publish them again
  // Conversations interrupted by a quit or crash continue from their stored entries.
  ctx.engine.resume()
  const bus = new EventBus()
  // With Redis configured, rollouts, chats and transfers of other processes show up live.
  const saved = readSavedSettings(ctx.config.settings.home).redisUrl
  const flag = opts.redis ?? (saved && maskRedisUrl(saved) === saved ? saved : undefined)
  const warn = (m: string) => ctx.io.err(`warning: ${m}`)
  const live = startLiveEvents(bus, { target: liveEventsTarget({ config: ctx.config, env: ctx.env, ...(flag ? { flag, flagLabel: opts.redis ? '--redis' : 'Settings Redis URL' } : {}), log: warn }), log: warn })
  const host = await startWebHost({
    // One engine and one SQLite connection: the context's (closed by the CLI wrapper afterwards).
    services: { config: ctx.config, ledger: ctx.ledger, engine: ctx.engine, store: ctx.store, env: ctx.env, logging: ctx.logging, app: { name: APP_NAME, version: APP_VERSION, host: 'browser' } },
    bus,
    rendererDir,
    port: opts.port,
  }).catch(async (err: unknown) => {
    await live.close()
    throw err
  })
  deps.onListening?.(host, live.ready)
  ctx.io.out(`P2Engine UI: ${host.url}`)
  ctx.io.out('Serving on 127.0.0.1 only. Press Ctrl-C to stop.')
  if (live.target) ctx.io.out(`Live events: shared over Redis ${live.target.safeUrl} (from ${live.target.source}).`)
  if (opts.open) openBrowser(host.url)
  await (deps.stop ?? untilSignal())
  ctx.io.out('Stopping…')
  await host.close()
  await live.close()
  return host
}

/** `p2engine ui [--port N] [--no-open]`: the desktop UI in the browser. */
export function registerUiCommand(program: Command, wrap: Wrap): void {
  program
    .command('ui')
    .description('serve the app UI in your browser on 127.0.0.1, guarded by a token in the printed URL')
    .option('--port <n>', 'port to listen on (default: a free one)', portOption)
    .option('--no-open', 'only print the URL; do not open a browser')
    .option('--redis <url>', 'share live events over this Redis (redis:// or rediss://) instead of REDIS_URL / config.json')
    .action(wrap(async (ctx, opts: UiOptions) => {
      await runUi(ctx, opts)
    }))
}
