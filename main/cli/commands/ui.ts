import { spawn } from 'node:child_process'
import { InvalidArgumentError, type Command } from 'commander'
import { APP_NAME, APP_VERSION } from '../../app/bootstrap'
import { EventBus } from '../../ipc/eventBus'
import { startWebHost, type WebHost } from '../../web/server'
import { findRendererDir } from '../../web/rendererDir'
import type { CliContext } from '../context'
import type { Wrap } from '../program'

export interface UiOptions {
  port?: number
  open: boolean
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
  deps: { stop?: Promise<void>; rendererDir?: string; onListening?: (host: WebHost) => void } = {},
): Promise<WebHost> {
  const rendererDir = deps.rendererDir ?? findRendererDir()
  // Conversations interrupted by a quit or crash continue from their stored entries.
  ctx.engine.resume()
  const host = await startWebHost({
    // One engine and one SQLite connection: the context's (closed by the CLI wrapper afterwards).
    services: { config: ctx.config, ledger: ctx.ledger, engine: ctx.engine, store: ctx.store, env: ctx.env, logging: ctx.logging, app: { name: APP_NAME, version: APP_VERSION, host: 'browser' } },
    bus: new EventBus(),
    rendererDir,
    port: opts.port,
  })
  deps.onListening?.(host)
  ctx.io.out(`P2Engine UI: ${host.url}`)
  ctx.io.out('Serving on 127.0.0.1 only. Press Ctrl-C to stop.')
  if (opts.open) openBrowser(host.url)
  await (deps.stop ?? untilSignal())
  ctx.io.out('Stopping…')
  await host.close()
  return host
}

/** `p2engine ui [--port N] [--no-open]`: the desktop UI in the browser. */
export function registerUiCommand(program: Command, wrap: Wrap): void {
  program
    .command('ui')
    .description('serve the app UI in your browser on 127.0.0.1, guarded by a token in the printed URL')
    .option('--port <n>', 'port to listen on (default: a free one)', portOption)
    .option('--no-open', 'only print the URL; do not open a browser')
    .action(wrap(async (ctx, opts: UiOptions) => {
      await runUi(ctx, opts)
    }))
}
