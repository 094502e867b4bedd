import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { mcpToolPrefixes } from '../../engine/config/mcpConfig'
import type { Command } from 'commander'
import { describeOrigin, originOf } from '../../bundles/origin'
import { InvalidArgumentError } from 'commander'
import { UserInputError } from '../../engine/errors'
import { loadEvaluators } from '../../engine/evals/registry'
import { homePaths } from '../../engine/paths'
import { inThreadVariants } from '../../compose/inThreadVariants'
import { createRollout, runRollout, type RolloutDeps } from '../../engine/rollouts/runner'
import { loadRolloutSpec } from '../../engine/rollouts/spec'
import { DEFAULT_MAX_VARIANTS } from '../../engine/schema/rollout'
import { resumeCommand, rolloutState, runByAnother, thisRunner } from '../../engine/rollouts/liveness'
import type { RolloutRecord, VariantRecord } from '../../engine/rollouts/types'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import type { CliContext } from '../context'
import { pc, table, toJson } from '../output'
import { formatTime } from '../timeFormat'
import type { Wrap } from '../program'
import { walletAgents } from '../../engine/ledger/walletAgents'
import { intOption } from './options'
import { configTable, flowsTable, LEDGER_DISABLED_TABLES, ledgerTable, metricsTable, stackPreview, teamTable } from './rolloutTables'
import { follow } from './rolloutProgress'
import { liveRolloutEvents } from './rolloutLive'
import { queuedDeps } from './rolloutScaleout'
import { rolloutTarget } from './scaleoutTarget'
import { roundsTable } from './learningTables'
import { onStdoutClosed } from '../stdio'
import { exportRows, toCsv } from '../../engine/rollouts/export'
import { rolloutName } from '../../engine/rollouts/name'

const positive = (name: string) => (v: string): number => {
  const n = intOption(name)(v)
  if (n < 1) throw new InvalidArgumentError(`${name} must be at least 1, got "${v}"`)
  return n
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`

interface StartOpts { redis?: string; local?: boolean; follow?: boolean; parallel?: number; nowait?: boolean; showConfig?: boolean; strictTools?: boolean; samples?: number; replay?: boolean; json?: boolean; timeout: number; maxVariants: number }

/** Executor, repository and task fields for running a rollout from this CLI process. */
function deps(ctx: CliContext, parallel: number, replay: boolean): RolloutDeps & { close: () => Promise<void> } {
  // Single writer: the variants run in this thread on the CLI's own connection, their writes
  // grouped into one commit per event-loop turn (nothing else writes here meanwhile). At most
  // `parallel` in flight, never more than the configured size (P2ENGINE_POOL_SIZE).
  const pool = inThreadVariants({
    store: ctx.store, ...(ctx.config.settings.ledger.enabled ? { ledger: ctx.ledger } : {}),
    logger: ctx.logging.workersLogger, parallel: Math.min(parallel, ctx.config.settings.poolSize), groupCommit: true,
  })
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v
  env.P2ENGINE_HOME = ctx.config.settings.home
  env.LEDGER_BACKEND = ctx.config.settings.ledger.backend
  return {
    repo: new SqliteRolloutStore(ctx.store),
    ...(ctx.config.settings.ledger.enabled ? { ledger: ctx.ledger } : {}),
    executor: pool.run,
    logger: ctx.logger.child({ component: 'rollouts' }),
    task: { dbPath: homePaths(ctx.config.settings.home).database, configDir: ctx.config.configDir, env, modelMode: replay || ctx.globals.replay ? 'replay' : 'record' },
    close: () => pool.close(),
  }
}

/** Every table of §8.5 plus the ledger section. */
export function printReport(ctx: CliContext, r: RolloutRecord, variants: VariantRecord[]): void {
  const { io } = ctx
  const state = rolloutState(r)
  io.out(pc.bold(`Rollout ${r.id} · ${rolloutName(r.specFile, r.createdAt)} · ${state === 'interrupted' ? pc.yellow(state) : state}`))
  io.out(pc.dim(`spec: ${r.specFile}`))
  const origin = originOf(ctx.store.db, 'rollout', r.id)
  if (origin) io.out(pc.cyan(describeOrigin(origin, r.id)))
  if (state === 'interrupted') io.out(pc.yellow(`⚠ interrupted: no process is running it. Continue with \`${resumeCommand(r.id)}\`.`))
  if (variants.some((v) => v.metrics?.usage.offline || v.metrics?.scores.some((s) => s.offline))) {
    io.out(pc.yellow('⚠ offline: the scripted model and judge answered; scores and tokens are not from a real LLM.'))
  }
  io.out(metricsTable(variants))
  const rounds = roundsTable(variants)
  if (rounds) io.out(rounds)
  io.out(configTable(variants))
  io.out(teamTable(variants))
  if (r.spec.options.ledgerEnabled === false) io.out(pc.yellow(LEDGER_DISABLED_TABLES))
  else {
    io.out(flowsTable(variants))
    io.out(ledgerTable(r, variants))
  }
  io.out(stackPreview(ctx.engine.deps.stacks, variants))
}

async function runAndShow(ctx: CliContext, d: RolloutDeps & { close: () => Promise<void> }, id: string, o: { follow?: boolean; json?: boolean }): Promise<void> {
  d = await liveRolloutEvents(ctx, d, id) // with Redis: progress published for `p2engine ui` / the app (issue 14)
  // `… | head` closing stdout must not stop the rollout: it runs on, quietly, and says so once.
  const off = onStdoutClosed(() => ctx.io.err(`stdout closed; rollout ${id} keeps running in this process without output (\`p2engine rollout show ${id}\` shows it; if stopped, \`p2engine rollout resume ${id}\` continues it)`))
  try {
    const done = runRollout(d, id)
    const tty = Boolean(process.stdout.isTTY) && !o.json
    if (o.follow && !o.json) await follow({ repo: d.repo, artifacts: ctx.engine.deps.artifacts, rolloutId: id, io: ctx.io, tty, done })
    const r = await done
    const variants = d.repo.variants(id)
    if (o.json) return ctx.io.out(toJson({ rollout: r, variants }))
    printReport(ctx, r, variants)
  } finally {
    off()
    await d.close()
  }
}

/** `p2engine rollout …`. */
export function registerRolloutCommands(program: Command, wrap: Wrap): void {
  const rollout = program.command('rollout').description('run a rollout YAML (teams × variants) in parallel, judge and compare the results')

  rollout
    .command('start <spec>')
    .description('check the spec, run every variant (in this process, one database writer) and print the metrics, configuration, team, ledger and stack tables')
    .option('-f, --follow', 'live progress per team and variant while running')
    .option('-p, --parallel <n>', 'variants running at once (default: min(8, variants))', positive('--parallel'))
    .option('--nowait', 'create the rollout and run it in a background process; print its id')
    .option('--show-config', 'print the parsed spec and the expanded variants as JSON; run nothing')
    .option('--strict-tools', 'reject variants that name unknown tools')
    .option('--samples <k>', 'judge samples per variant (self-consistency: mean and spread)', positive('--samples'))
    .option('--replay', 'answer model calls only from recordings (no network)')
    .option('--timeout <sec>', 'per-variant deadline in seconds', positive('--timeout'), 900)
    .option('--max-variants <n>', 'refuse specs with more variants (per team and in all); counted before expanding', positive('--max-variants'), DEFAULT_MAX_VARIANTS)
    .option('--redis <url>', 'run the variants on `p2engine worker` processes through this Redis (default REDIS_URL / config.json redis; none: here)')
    .option('--local', 'run the variants in this process even when Redis is configured (live events and model limits still use it)')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, specPath: string, o: StartOpts) => {
      // Where the variants run is settled first: a missing job secret fails before anything loads.
      const target = o.nowait || o.showConfig ? undefined : rolloutTarget(ctx, o)
      const evaluators = await loadEvaluators(ctx.config.configDir)
      const spec = loadRolloutSpec(resolve(specPath), {
        configDir: ctx.config.configDir, agents: ctx.config.agents.map((a) => a.id), evaluators,
        tools: ctx.engine.deps.tools.names(), toolPrefixes: mcpToolPrefixes(ctx.config.mcpServers), strictTools: Boolean(o.strictTools), maxVariants: o.maxVariants,
      })
      for (const w of spec.warnings) ctx.io.err(`warning: ${w}`)
      if (o.showConfig) return ctx.io.out(toJson({ file: spec.file, spec: spec.source, variants: spec.variants }))
      // Capped by the worker pool size (P2ENGINE_POOL_SIZE): more would only queue behind it.
      const parallel = Math.min(o.parallel ?? Math.max(1, Math.min(8, spec.variants.length)), ctx.config.settings.poolSize)
      const replay = Boolean(o.replay || ctx.globals.replay)
      const d = target ? await queuedDeps(ctx, target, replay) : deps(ctx, parallel, replay)
      const r = await createRollout(d, {
        specFile: spec.file, source: spec.source, variants: spec.variants,
        options: { parallel, strictTools: Boolean(o.strictTools), replay, taskTimeoutMs: o.timeout * 1000, ...(o.samples ? { samples: o.samples } : {}) },
        walletAgents: walletAgents(ctx.config.agents), initialBalance: ctx.config.settings.ledger.initialBalance,
      })
      if (!o.json) ctx.io.out(`▶ Launching rollout ${r.id} with ${plural(new Set(spec.variants.map((v) => v.teamId)).size, 'team')}, ${plural(spec.variants.length, 'variant')} (${target ? `on workers via ${target.redis.safeUrl}` : `parallel ${parallel}`})…`)
      if (o.nowait) {
        await d.close()
        const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--home', ctx.config.settings.home, '--config', ctx.config.configDir, 'rollout', 'resume', r.id, ...(o.local ? ['--local'] : [])], { detached: true, stdio: 'ignore', env: { ...ctx.env, ...(o.redis ? { REDIS_URL: o.redis } : {}) } })
        // The background process runs it from now on (not "interrupted" before it has started).
        if (child.pid !== undefined) d.repo.claim(r.id, { ...thisRunner(), pid: child.pid })
        child.unref()
        return ctx.io.out(o.json ? toJson({ rolloutId: r.id }) : `Rollout ${r.id} launched (follow with \`p2engine rollout show ${r.id}\`)`)
      }
      await runAndShow(ctx, d, r.id, o)
    }))

  rollout
    .command('resume <id>')
    .description('continue the unfinished variants of a rollout after a crash or kill (finished ones are not rerun, nothing is paid twice)')
    .option('-f, --follow', 'live progress')
    .option('-p, --parallel <n>', 'variants running at once (default: as started)', positive('--parallel'))
    .option('--redis <url>', 'continue on `p2engine worker` processes through this Redis (results that arrived meanwhile are imported; default REDIS_URL / config.json redis)')
    .option('--local', 'continue in this process even when Redis is configured')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, id: string, o: { redis?: string; local?: boolean; follow?: boolean; parallel?: number; json?: boolean }) => {
      const repo = new SqliteRolloutStore(ctx.store)
      const r = repo.get(id)
      const pending = repo.variants(id).filter((v) => v.status === 'queued' || v.status === 'running').length
      if (!pending && r.status !== 'running') {
        // Nothing to run: the stored figures are shown as they are, never re-measured.
        if (o.json) return ctx.io.out(toJson({ rollout: r, variants: repo.variants(id), origin: originOf(ctx.store.db, 'rollout', r.id) }))
        ctx.io.out(`Rollout ${id} is already ${r.status}; nothing to resume.`)
        return printReport(ctx, r, repo.variants(id))
      }
      if (runByAnother(r)) throw new UserInputError(`rollout ${id} is being run by process ${r.runner?.pid}; follow it with \`p2engine rollout show ${id}\``, 'ROLLOUT_RUNNING')
      const target = rolloutTarget(ctx, o)
      const d = target ? await queuedDeps(ctx, target, r.spec.options.replay) : deps(ctx, o.parallel ?? r.spec.options.parallel, r.spec.options.replay)
      if (!o.json) ctx.io.out(`▶ Resuming rollout ${id}: ${pending} unfinished variant(s)${target ? ` on workers via ${target.redis.safeUrl}` : ''}`)
      await runAndShow(ctx, d, id, o)
    }))

  rollout
    .command('list')
    .description('rollouts, newest first')
    .option('-l, --limit <n>', 'most rollouts to show', intOption('--limit'), 20)
    .option('--json', 'print JSON')
    .action(wrap((ctx, o: { limit: number; json?: boolean }) => {
      const repo = new SqliteRolloutStore(ctx.store)
      const rows = repo.list(o.limit).map((r) => {
        const vs = repo.variants(r.id)
        const n = (s: string) => vs.filter((v) => v.status === s).length
        const status = rolloutState(r)
        return {
          id: r.id, name: rolloutName(r.specFile, r.createdAt), spec: r.specFile, status, total: vs.length, done: n('done'), failed: n('failed'), created: new Date(r.createdAt).toISOString(),
          ...(status === 'interrupted' ? { resume: resumeCommand(r.id) } : {}),
        }
      })
      if (o.json) return ctx.io.out(toJson(rows))
      if (!rows.length) return ctx.io.out('No rollouts yet. Start one with `p2engine rollout start config/rollout_joke.yml --follow`.')
      // The name carries the spec file (its full path is in --json and `rollout show`); ids never wrap.
      ctx.io.out(table('Rollouts', ['id', 'name', 'status', 'variants', 'done', 'failed', 'created'], rows.map((r) => [
        r.id, r.name, r.status === 'interrupted' ? pc.yellow(r.status) : r.status, r.total, r.done, r.failed, formatTime(r.created),
      ]), { nowrap: ['id', 'created'] }))
      for (const r of rows) if (r.resume) ctx.io.out(pc.yellow(`⚠ ${r.id} is interrupted: continue it with \`${r.resume}\``))
    }))

  rollout
    .command('show <id>')
    .description('the tables of a rollout')
    .option('--json', 'print JSON')
    .action(wrap((ctx, id: string, o: { json?: boolean }) => {
      const repo = new SqliteRolloutStore(ctx.store)
      const r = repo.get(id)
      if (o.json) return ctx.io.out(toJson({ rollout: r, variants: repo.variants(id) }))
      printReport(ctx, r, repo.variants(id))
    }))

  rollout
    .command('export <id>')
    .description('one row per variant as json, jsonl or csv')
    .option('--format <f>', 'json | jsonl | csv', 'json')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action(wrap((ctx, id: string, o: { format: string; out?: string }) => {
      if (!['json', 'jsonl', 'csv'].includes(o.format)) throw new UserInputError(`--format must be json, jsonl or csv, got "${o.format}"`, 'BAD_FORMAT')
      const repo = new SqliteRolloutStore(ctx.store)
      const rows = exportRows(repo.get(id), repo.variants(id))
      const text = o.format === 'json' ? toJson(rows) : o.format === 'jsonl' ? rows.map((r) => JSON.stringify(r)).join('\n') : toCsv(rows)
      if (!o.out) return ctx.io.out(text)
      writeFileSync(o.out, text.endsWith('\n') ? text : text + '\n')
      ctx.io.out(`Wrote ${rows.length} rows to ${o.out}`)
    }))

  rollout
    .command('compare <id1> <id2>')
    .description('per-variant score, cost and token deltas between two rollouts (matched by team and variant id)')
    .option('--json', 'print JSON')
    .action(wrap((ctx, id1: string, id2: string, o: { json?: boolean }) => {
      const repo = new SqliteRolloutStore(ctx.store)
      const a = new Map(repo.variants(repo.get(id1).id).map((v) => [`${v.team}/${v.variantId}`, v]))
      const b = new Map(repo.variants(repo.get(id2).id).map((v) => [`${v.team}/${v.variantId}`, v]))
      const keys = [...new Set([...a.keys(), ...b.keys()])]
      const num = (v: VariantRecord | undefined, f: (v: VariantRecord) => number | null | undefined) => (v?.metrics ? (f(v) ?? null) : null)
      const rows = keys.map((k) => {
        const x = a.get(k), y = b.get(k)
        const s1 = num(x, (v) => v.metrics!.score), s2 = num(y, (v) => v.metrics!.score)
        const c1 = num(x, (v) => v.metrics!.usage.costUsd), c2 = num(y, (v) => v.metrics!.usage.costUsd)
        const t1 = num(x, (v) => v.metrics!.usage.totalTokens), t2 = num(y, (v) => v.metrics!.usage.totalTokens)
        const d = (p: number | null, q: number | null) => (p === null || q === null ? null : q - p)
        return { variant: k, score1: s1, score2: s2, scoreDelta: d(s1, s2), cost1: c1, cost2: c2, costDelta: d(c1, c2), tokens1: t1, tokens2: t2, tokensDelta: d(t1, t2) }
      })
      if (o.json) return ctx.io.out(toJson(rows))
      const f = (n: number | null, digits: number, sign = false) => (n === null ? '–' : (sign && n > 0 ? '+' : '') + n.toFixed(digits))
      ctx.io.out(table(`Compare ${id1} → ${id2}`, ['variant', 'score', 'Δ score', 'cost $', 'Δ cost', 'tokens', 'Δ tokens'], rows.map((r) => [
        r.variant, `${f(r.score1, 3)} → ${f(r.score2, 3)}`, f(r.scoreDelta, 3, true), `${f(r.cost1, 4)} → ${f(r.cost2, 4)}`, f(r.costDelta, 4, true),
        `${f(r.tokens1, 0)} → ${f(r.tokens2, 0)}`, f(r.tokensDelta, 0, true),
      ])))
    }))
}
