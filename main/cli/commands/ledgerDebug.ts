import { statSync } from 'node:fs'
import type { Command } from 'commander'
import { homePaths } from '../../engine/paths'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import type { CliContext } from '../context'
import { EXIT } from '../errors'
import { panel, pc, table, toJson } from '../output'
import type { Wrap } from '../program'
import { formatTime } from '../timeFormat'

const ms = (n: number | null) => (n === null ? pc.red('failed') : `${n} ms`)

/** The embedded backend's facts: database, schema revision, wallets, the last command. */
async function embeddedDebug(ctx: CliContext, ledger: EmbeddedLedger) {
  const database = homePaths(ctx.config.settings.home).database
  const t0 = performance.now()
  const wallets = await ledger.listWallets()
  const latency = Math.round((performance.now() - t0) * 10) / 10
  const [last] = await ledger.events({ limit: 1 })
  let size: number | null = null
  try { size = statSync(database).size } catch { /* not created yet */ }
  return {
    backend: 'embedded' as const,
    database, databaseBytes: size,
    revision: ctx.store.schemaVersion,
    party: ctx.config.settings.ledger.partyId,
    walletCount: wallets.length,
    ledgerOffset: last?.offset ?? 0,
    lastCommand: last ? { commandId: last.commandId, type: last.type, transactionId: last.transactionId, at: last.at } : null,
    latencyMs: { listWallets: latency },
  }
}

/** `p2engine ledger debug`: backend, endpoints, party, user and rights, package id, last errors, latency. */
export function registerLedgerDebug(ledger: Command, wrap: Wrap): void {
  ledger
    .command('debug')
    .description('diagnose the ledger backend: endpoints, party, user and rights, package, last errors, round-trip latency (non-zero exit when a check fails)')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: { json?: boolean }) => {
      const { settings } = ctx.config
      if (settings.ledger.backend !== 'canton') {
        const client = ctx.ledger
        if (!(client instanceof EmbeddedLedger)) throw new Error(`ledger debug: unexpected backend ${client.backend}`)
        const r = await embeddedDebug(ctx, client)
        if (opts.json) return ctx.io.out(toJson(r))
        return ctx.io.out(panel('Ledger Debug Information', [
          ['Backend', 'embedded (SQLite, Daml semantics)'], ['Database', `${r.database}${r.databaseBytes === null ? '' : ` (${(r.databaseBytes / 1024).toFixed(0)} KiB)`}`],
          ['Schema revision', r.revision], ['Party', r.party], ['Wallets', r.walletCount], ['Ledger offset', r.ledgerOffset],
          ['Last command', r.lastCommand ? `${r.lastCommand.commandId} (${r.lastCommand.type}, ${formatTime(r.lastCommand.at)})` : 'none yet'],
          ['Round trip', `${r.latencyMs.listWallets} ms (list wallets)`],
        ]))
      }
      const { cantonLedgerFromSettings, cleanupOrphan, readState, isAlive, cantonDebug } = await import('./cantonModules')
      // Its own client: a diagnosis reports each failure at once instead of retrying it.
      const client = cantonLedgerFromSettings(settings, ctx.env, undefined, { retry: { attempts: 1 }, timeoutMs: 10_000 })
      const home = settings.home
      cleanupOrphan(home)
      const s = readState(home)
      const sandbox = s && isAlive(s.pid) ? { pid: s.pid, jsonApiUrl: s.jsonApiUrl, ports: s.ports, startedAt: s.startedAt } : null
      const r = await cantonDebug(client).finally(() => client.close())
      const failed = r.checks.filter((c) => !c.ok).length
      if (failed) ctx.exitCode = EXIT.ledger
      if (opts.json) return ctx.io.out(toJson({ ...r, sandbox }))
      ctx.io.out(panel('Canton Debug Information', [
        ['Backend', 'canton (JSON Ledger API v2)'], ['JSON API', r.jsonApiUrl],
        ['Managed sandbox', sandbox ? `pid ${sandbox.pid}, ports ${Object.entries(sandbox.ports).map(([k, v]) => `${k} ${v}`).join(', ')}` : 'not running (an external participant or none)'],
        ['Canton version', r.version ?? pc.red('unreachable')], ['Party', r.party ?? pc.red('unknown')],
        ['User', `${r.user.id}${r.user.exists ? '' : pc.red(' (missing)')}${r.user.deactivated ? pc.red(' DEACTIVATED') : ''}`],
        ['Rights', r.user.rights.join(', ') || '(none)'], ['Package ID', r.packageId ?? (r.packageCount === null ? 'unknown' : `no wallet yet (${r.packageCount} packages)`)],
        ['Wallets', r.walletCount ?? 'unknown'], ['Ledger end', r.ledgerEnd ?? 'unknown'],
        ['Round trip', `version ${ms(r.latencyMs.version)}, ledger end ${ms(r.latencyMs.ledgerEnd)}`],
      ]))
      ctx.io.out(table('Checks', ['Check', 'Result', 'Detail'], r.checks.map((c) => [c.name, c.ok ? pc.green('✓ ok') : pc.red('✗ failed'), c.detail])))
      ctx.io.out(r.recentErrors.length
        ? table('Recent ledger errors', ['Time', 'Call', 'Status', 'Code', 'Message'], r.recentErrors.map((e) => [formatTime(e.at), `${e.method} ${e.path}`, e.status || 'no answer', e.code ?? '', e.message]))
        : 'No ledger errors in this run.')
    }))
}
