import type { Command } from 'commander'
import { UserInputError } from '../../engine/errors'
import { formatFixed, parseDecimal } from '../../engine/ledger/decimal'
import type { LedgerEvent } from '../../engine/ports/ledger'
import { walletAgents } from '../../engine/ledger/walletAgents'
import { checkUserCommandId } from '../../engine/ledger/commandIds'
import type { CliContext } from '../context'
import { EXIT } from '../errors'
import { panel, pc, table, toJson } from '../output'
import { safeText } from '../safeText'
import { formatTime, formatUnixTime } from '../timeFormat'
import type { Wrap } from '../program'
import { intOption, isoOption } from './options'
import { registerCantonCommands } from './ledgerCanton'


const money = (d: string): string => formatFixed(parseDecimal(d), 2)

interface JsonOpt { json?: boolean }

/** `p2engine ledger …`: the original's command names and options, with its bugs fixed. */
export function registerLedgerCommands(program: Command, wrap: Wrap): void {
  const ledger = program.command('ledger').description('wallets, transfers and audit on the ledger (embedded by default)')
  registerCantonCommands(ledger, wrap)

  ledger
    .command('init')
    .description('create a wallet for every configured agent and the treasurer; existing wallets are left as they are')
    .option('--balance <amount>', 'initial balance of new wallets (default: config ledger.initial_balance)')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: { balance?: string } & JsonOpt) => {
      const balance = opts.balance ?? ctx.config.settings.ledger.initialBalance
      parseDecimal(balance, '--balance')
      const agents = configuredAgents(ctx)
      const rows = []
      for (const agent of agents) {
        const r = await ctx.ledger.createWallet({ agent, initialBalance: balance, commandId: `init:${agent}` })
        // A repeated init replays the first command's result (the wallet's first version): show the current one.
        const wallet = r.created ? r.wallet : ((await ctx.ledger.getWallet(agent)) ?? r.wallet)
        rows.push({ agent, status: r.created ? 'created' : 'exists', balance: wallet.balance, contractId: wallet.contractId })
      }
      if (opts.json) return ctx.io.out(toJson(rows))
      ctx.io.out(table('Wallet Initialization Results', ['Agent', 'Status', 'Balance'], rows.map((r) => [
        r.agent, r.status === 'created' ? pc.green('✓ Created') : pc.dim('✓ Exists (not re-funded)'), money(r.balance),
      ])))
    }))

  ledger
    .command('balance [agent]')
    .description('balance of one agent, or of every wallet')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, agent: string | undefined, opts: JsonOpt) => {
      if (agent !== undefined) {
        const w = await ctx.ledger.getWallet(agent)
        if (!w) throw new UserInputError(`no wallet for agent "${agent}" (run \`p2engine ledger init\`, or check the name with \`p2engine ledger balance\`)`, 'WALLET_NOT_FOUND')
        if (opts.json) return ctx.io.out(toJson(w))
        return ctx.io.out(panel('Wallet Balance', [['Agent', w.agent], ['Balance', money(w.balance)], ['Contract', w.contractId]]))
      }
      const wallets = await ctx.ledger.listWallets()
      if (opts.json) return ctx.io.out(toJson(wallets))
      if (!wallets.length) return ctx.io.out("No wallets found. Run 'p2engine ledger init' first.")
      ctx.io.out(table('Wallet Balances', ['Agent', 'Balance'], wallets.map((w) => [w.agent, money(w.balance)])))
    }))

  ledger
    .command('transfer <from> <to> <amount>')
    .description('move funds between two existing wallets')
    .option('-r, --reason <text>', 'reason recorded on the TransferRecord', 'Manual transfer')
    .option('--command-id <id>', 'idempotency key: resubmitting it with the same parameters returns the first result and moves nothing; other parameters fail with COMMAND_ID_REUSED (exit 4); ids starting with init:, migrate:, tc_ or cmd- are reserved')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, from: string, to: string, amount: string, opts: { reason: string; commandId?: string } & JsonOpt) => {
      const r = await ctx.ledger.transfer({ from, to, amount, reason: opts.reason, commandId: checkUserCommandId(opts.commandId) })
      if (opts.json) return ctx.io.out(toJson(r))
      if (r.deduplicated) {
        // Canton's rule: the first result stands. Same parameters, so this is a retry.
        const o = r.original
        ctx.io.out(pc.yellow(`✓ Already applied: command id ${safeText(r.commandId)} was committed before; nothing moved again.`))
        if (o) ctx.io.out(safeText(`First transfer: ${o.from} → ${o.to} ${money(o.amount)} "${o.reason}" at ${formatTime(o.committedAt)}`))
        ctx.io.out(`Transaction ID: ${r.transactionId}`)
        ctx.io.out(`${from} balance after it: ${money(r.fromBalance)}`)
        ctx.io.out(`${to} balance after it: ${money(r.toBalance)}`)
        return
      }
      ctx.io.out(pc.green('✓ Transfer successful!'))
      ctx.io.out(`Transaction ID: ${r.transactionId}`)
      ctx.io.out(`${from} new balance: ${money(r.fromBalance)}`)
      ctx.io.out(`${to} new balance: ${money(r.toBalance)}`)
    }))

  ledger
    .command('history [agent]')
    .description('transfer records of one agent (all when omitted), newest first')
    .option('-l, --limit <n>', 'most records to show', intOption('--limit'), 20)
    .option('--contracts', "show every version of the agent's wallet contract instead (contract id, balance, creating and archiving transaction)")
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, agent: string | undefined, opts: { limit: number; contracts?: boolean } & JsonOpt) => {
      if (agent !== undefined && !(await ctx.ledger.getWallet(agent))) {
        throw new UserInputError(`no wallet for agent "${agent}"`, 'WALLET_NOT_FOUND')
      }
      if (opts.contracts) {
        if (agent === undefined) throw new UserInputError('--contracts needs an AGENT')
        const versions = await ctx.ledger.walletVersions(agent)
        if (opts.json) return ctx.io.out(toJson(versions))
        return ctx.io.out(table(`Wallet contract versions for ${agent}`, ['#', 'Contract ID', 'Balance', 'Created by', 'Archived by'],
          versions.map((v, i) => [i + 1, v.contractId, money(v.balance), v.createdTx, v.archivedTx ?? pc.green('active')])))
      }
      const records = await ctx.ledger.history(agent, opts.limit)
      if (opts.json) return ctx.io.out(toJson(records))
      if (!records.length) return ctx.io.out(`No transactions found${agent ? ` for ${agent}` : ''}`)
      const title = agent ? `Transaction History for ${agent}` : 'Transaction History'
      const rows = records.map((r) => {
        if (!agent) return [formatUnixTime(r.timestamp), `${r.fromAgent} → ${r.toAgent}`, money(r.amount), safeText(r.reason.slice(0, 50)), r.transactionId]
        const sent = r.fromAgent === agent
        return [
          formatUnixTime(r.timestamp),
          sent ? pc.red('↑ SENT') : pc.green('↓ RECV'),
          (sent ? '-' : '+') + money(r.amount),
          safeText(sent ? r.toAgent : r.fromAgent),
          // Escaped before colouring: a reason (a model can set it) never reaches the terminal raw.
          safeText(r.reason.slice(0, 50)),
          r.transactionId,
        ]
      })
      const head = agent ? ['Time', 'Type', 'Amount', 'Other Party', 'Reason', 'Transaction'] : ['Time', 'Flow', 'Amount', 'Reason', 'Transaction']
      ctx.io.out(table(title, head, rows))
    }))

  ledger
    .command('audit')
    .description('event trail plus an invariant check (exits non-zero on a violation)')
    .option('--since <iso>', 'only events at or after this ISO-8601 time', isoOption('--since'))
    .option('--type <type>', 'only events of this type: wallet_created | transfer_executed | wallet_migrated')
    .option('--limit <n>', 'most events to show', intOption('--limit'), 50)
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: { since?: string; type?: string; limit: number } & JsonOpt) => {
      const types = ['wallet_created', 'transfer_executed', 'wallet_migrated']
      if (opts.type && !types.includes(opts.type)) {
        throw new UserInputError(`--type "${opts.type}" is not an event type; expected one of ${types.join(', ')}`)
      }
      const events = await ctx.ledger.events({ sinceIso: opts.since, type: opts.type, limit: opts.limit })
      const report = await ctx.ledger.audit()
      if (!report.ok) ctx.exitCode = EXIT.audit
      if (opts.json) return ctx.io.out(toJson({ events, invariants: report }))
      ctx.io.out(events.length
        ? table('Ledger Audit Trail', ['Time', 'Event', 'Details', 'Transaction'], events.map((e) => [formatTime(e.at), e.type, eventDetails(e), e.transactionId]))
        : 'No ledger events match the filters.')
      const line = `checked ${report.checked.wallets} wallets, ${report.checked.records} transfer records, ${report.checked.transactions} transactions; supply ${money(report.supply)} = minted ${money(report.minted)}`
      if (report.ok) ctx.io.out(pc.green(`✓ Invariants hold: ${line}`))
      else {
        ctx.io.out(pc.red(`✗ ${report.violations.length} invariant violation(s):`))
        for (const v of report.violations) ctx.io.out(pc.red(`  - ${v}`))
      }
    }))

  ledger
    .command('metrics')
    .description('system metrics: wallets, supply, transactions, volume')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: JsonOpt) => {
      const m = await ctx.ledger.metrics()
      if (opts.json) return ctx.io.out(toJson(m))
      ctx.io.out(panel('Ledger System Metrics', [
        ['Active Wallets', m.walletCount], ['Total Balance', money(m.totalBalance)], ['Total Transactions', m.transactionCount],
        ['Total Volume', money(m.totalVolume)], ['Average Balance', money(m.averageBalance)], ['Backend', ctx.ledger.backend],
      ]))
    }))

  ledger
    .command('overview')
    .description('system overview and one row per wallet')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: JsonOpt) => ctx.io.out(await renderOverview(ctx, opts.json ?? false))))
}

/** Agent ids that get wallets: agents.yml in file order, then the fixed system agents. */
export function configuredAgents(ctx: CliContext): string[] {
  return walletAgents(ctx.config.agents)
}

/** `ledger overview` as text or JSON (also printed by run_project.sh). */
export async function renderOverview(ctx: CliContext, json: boolean): Promise<string> {
  const [m, wallets, status] = await Promise.all([ctx.ledger.metrics(), ctx.ledger.listWallets(), ctx.ledger.status()])
  const rows = await Promise.all(wallets.map(async (w) => {
    const recent = await ctx.ledger.history(w.agent, 1_000_000)
    return { agent: w.agent, balance: w.balance, transactions: recent.length, lastActivity: recent[0]?.timestamp ?? null }
  }))
  if (json) return toJson({ backend: status, metrics: m, wallets: rows })
  if (!wallets.length) return "No wallets found. Run 'p2engine ledger init' first."
  return [
    panel('System Overview', [
      ['Backend', `${status.backend} (${status.detail})`], ['Party', status.party], ['Total Wallets', m.walletCount],
      ['Total Balance', money(m.totalBalance)], ['Total Transactions', m.transactionCount], ['Total Volume', money(m.totalVolume)],
    ]),
    table('Agent Wallets', ['Agent', 'Balance', 'Transactions', 'Last Activity', 'Status'], rows.map((r) => [
      r.agent, money(r.balance), r.transactions, r.lastActivity ? formatUnixTime(r.lastActivity) : 'Never',
      r.transactions ? pc.green('Active') : pc.dim('Initialized'),
    ])),
  ].join('\n')
}

function eventDetails(e: LedgerEvent): string {
  const d = e.details as Record<string, string>
  if (e.type === 'transfer_executed') return safeText(`${d.from} → ${d.to}: ${money(d.amount!)} (${d.reason})`)
  return `Agent: ${d.agent}, Initial: ${money(d.initialBalance!)}`
}
