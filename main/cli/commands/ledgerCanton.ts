import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { LedgerError, UserInputError } from '../../engine/errors'
import type { CreateWalletResult, LedgerClient } from '../../engine/ports/ledger'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { panel, pc, table, toJson } from '../output'
import { formatTime } from '../timeFormat'
import type { Wrap } from '../program'
import { configuredAgents } from './ledger'
import { intOption } from './options'
import { registerCantonInstall } from './ledgerCantonInstall'
import { registerLedgerDebug } from './ledgerDebug'

/** The Canton modules, imported by the action that runs (see cantonModules.ts). */
const cantonModules = () => import('./cantonModules')

/** Folders searched for `daml/v3/.daml/dist/*.dar`: the working directory and the app's root. */
const darRoots = (): string[] => [process.cwd(), fileURLToPath(new URL('../../..', import.meta.url))]

interface JsonOpt { json?: boolean }

/** `p2engine ledger canton start|stop|status|logs|install`, `p2engine ledger debug` and `p2engine ledger migrate`. */
export function registerCantonCommands(ledger: Command, wrap: Wrap): void {
  const canton = ledger.command('canton').description('a managed local Canton sandbox for the canton ledger backend')
  registerCantonInstall(canton, wrap)
  registerLedgerDebug(ledger, wrap)

  canton
    .command('start')
    .description('start a Canton sandbox on free loopback ports with the Daml model, the party and the configured wallets')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: JsonOpt) => {
      const { discoverCanton, installHint, javaMajorVersion, findDar, missingDarMessage, CantonSandbox, cantonLedgerFromSettings } = await cantonModules()
      const env = ctx.env
      const install = discoverCanton(env, { home: ctx.config.settings.home })
      if (!install) throw new LedgerError(installHint('canton'), 'CANTON_NOT_FOUND')
      if (install.kind === 'canton' && env.P2ENGINE_SKIP_JAVA_CHECK !== '1') {
        const java = javaMajorVersion(env)
        if (!java || java < 17) throw new LedgerError(installHint('java', java), 'JAVA_NOT_FOUND')
      }
      const darPath = findDar(darRoots(), env)
      if (!darPath) throw new LedgerError(missingDarMessage(darRoots()), 'DAR_NOT_FOUND')
      const { settings } = ctx.config
      const agents = configuredAgents(ctx)
      const made: CreateWalletResult[] = []
      const sandbox = new CantonSandbox({
        install, home: settings.home, darPath, env, lifetime: 'daemon', ...ctx.logging.sandboxLog(),
        onReady: async (state) => {
          const client = cantonLedgerFromSettings(settings, env, state.jsonApiUrl)
          for (const agent of agents) made.push(await client.createWallet({ agent, initialBalance: settings.ledger.initialBalance, commandId: `init:${agent}` }))
          await client.close()
        },
      })
      const state = await sandbox.start()
      if (opts.json) return ctx.io.out(toJson({ ...state, wallets: made.map((r) => r.wallet) }))
      ctx.io.out(pc.green(`✓ Canton sandbox ready (pid ${state.pid}, ${install.kind} from ${install.source})`))
      ctx.io.out(panel('Canton Sandbox', [
        ['JSON Ledger API', state.jsonApiUrl], ['Ledger API (gRPC)', state.ports.ledgerApi!], ['Admin API', state.ports.admin!],
        ['DAR', state.darPath], ['Log', state.logFile], ['Wallets', made.length],
      ]))
      ctx.io.out("Storage is in memory: stopping the sandbox loses every wallet and transfer; 'ledger canton start' re-creates the configured wallets.")
      ctx.io.out("Use it with: p2engine --ledger-backend canton … (or LEDGER_BACKEND=canton)")
    }))

  canton
    .command('stop')
    .description('stop the managed sandbox and every process it started')
    .action(wrap(async (ctx) => {
      const { stopRecordedSandbox } = await cantonModules()
      const s = await stopRecordedSandbox(ctx.config.settings.home)
      ctx.io.out(s ? pc.green(`✓ Stopped the Canton sandbox (pid ${s.pid}).`) : 'No managed Canton sandbox is running.')
    }))

  canton
    .command('status')
    .description('whether the managed sandbox runs and answers /readyz')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: JsonOpt) => {
      const { cleanupOrphan, readState, isAlive, readyz, logFileOf } = await cantonModules()
      const home = ctx.config.settings.home
      cleanupOrphan(home)
      const s = readState(home)
      const running = !!s && isAlive(s.pid)
      const ready = running ? await readyz(s!.jsonApiUrl) : false
      const out = { running, ready, pid: s?.pid ?? null, jsonApiUrl: s?.jsonApiUrl ?? null, ports: s?.ports ?? null, startedAt: s?.startedAt ?? null, logFile: logFileOf(home) }
      if (opts.json) return ctx.io.out(toJson(out))
      if (!running) return ctx.io.out(`No managed Canton sandbox is running. Start one with 'p2engine ledger canton start'.`)
      ctx.io.out(panel('Canton Sandbox', [['Status', ready ? pc.green('ready') : pc.yellow('starting / not ready')], ['PID', s!.pid], ['JSON Ledger API', s!.jsonApiUrl], ['Started', formatTime(s!.startedAt)], ['Log', out.logFile]]))
    }))

  canton
    .command('logs')
    .description('the end of the sandbox log ($P2ENGINE_HOME/logs/canton.log)')
    .option('-n, --lines <n>', 'how many lines', intOption('--lines'), 50)
    .action(wrap(async (ctx, opts: { lines: number }) => {
      const { logFileOf } = await cantonModules()
      const file = logFileOf(ctx.config.settings.home)
      if (!existsSync(file)) return ctx.io.out(`No Canton log yet (${file}).`)
      const lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n')
      ctx.io.out(lines.slice(-Math.max(1, opts.lines)).join('\n'))
    }))

  ledger
    .command('migrate')
    .description('copy every wallet (current balance) to the other backend, recorded as wallet_migrated; existing wallets there are left alone')
    .requiredOption('--to <backend>', 'canton | embedded')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: { to: string } & JsonOpt) => {
      if (opts.to !== 'canton' && opts.to !== 'embedded') throw new UserInputError(`--to "${opts.to}" is not a ledger backend; expected canton or embedded`)
      const { cantonLedgerFromSettings, cantonJsonApiUrl } = await cantonModules()
      const { settings } = ctx.config
      const embedded = new EmbeddedLedger(ctx.store, { party: settings.ledger.partyId })
      const canton = cantonLedgerFromSettings(settings, ctx.env, cantonJsonApiUrl(settings))
      const [from, to]: [LedgerClient, EmbeddedLedger | typeof canton] = opts.to === 'canton' ? [embedded, canton] : [canton, embedded]
      const rows = []
      for (const w of await from.listWallets()) {
        const req = { agent: w.agent, initialBalance: w.balance, commandId: `migrate:${from.backend}:${w.agent}:${w.contractId}` }
        const r = to instanceof EmbeddedLedger ? to.createWalletSync(req, 'wallet_migrated') : await to.createWalletAs(req, 'wallet_migrated')
        rows.push({ agent: w.agent, status: r.created ? 'migrated' : 'exists', balance: r.wallet.balance, transactionId: r.transactionId })
      }
      await canton.close()
      if (opts.json) return ctx.io.out(toJson(rows))
      if (!rows.length) return ctx.io.out(`No wallets on the ${opts.to === 'canton' ? 'embedded' : 'canton'} ledger to migrate.`)
      ctx.io.out(table(`Wallets migrated to ${opts.to}`, ['Agent', 'Status', 'Balance'], rows.map((r) => [r.agent, r.status === 'migrated' ? pc.green('✓ Migrated') : pc.dim('Exists (left as is)'), r.balance])))
    }))
}

