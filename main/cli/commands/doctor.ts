import { resolve } from 'node:path'
import type { Command } from 'commander'
import { messageOf } from '../../engine/errors'
import { homePaths, p2engineHome } from '../../engine/paths'
import { testRedis } from '../../app/settings/connectionTests'
import { redisInputsOf, resolveRedis } from '../../scaleout/redisConfig'
import { cantonJsonApiUrl } from '../../ledger/canton/fromSettings'
import { checkStorage, type CheckResult, type CheckStatus } from '../../storage/health/doctor'
import { checkCanton } from '../../storage/health/reachability'
import { checkS3 } from '../../storage/health/s3'
import type { LoadedConfig } from '../../engine/config/types'
import type { CliContext } from '../context'
import { pc, table, toJson } from '../output'
import type { Wrap } from '../program'

const MARK: Record<CheckStatus, string> = { ok: pc.green('✓ ok'), warn: pc.yellow('! warn'), fail: pc.red('✗ fail') }

/** Every check of `p2engine doctor`, in display order. Never throws. */
export async function runDoctor(ctx: CliContext, redisFlag?: string): Promise<CheckResult[]> {
  const checks: CheckResult[] = []
  let home: string
  let config: LoadedConfig | undefined
  try {
    config = ctx.config
    home = config.settings.home
    checks.push({ check: 'config', status: 'ok', detail: `loaded from ${config.configDir}` })
  } catch (err) {
    home = ctx.globals.home ? resolve(ctx.globals.home) : p2engineHome(ctx.env)
    checks.push({ check: 'config', status: 'fail', detail: messageOf(err) })
  }
  checks.push(...checkStorage(home, homePaths(home).database))
  if (config?.settings.ledger.backend === 'canton') checks.push(await checkCanton(cantonJsonApiUrl(config.settings)))
  else checks.push({ check: 'canton', status: 'ok', detail: config ? 'not used (embedded ledger)' : 'unknown (config did not load)' })
  if (config?.settings.artifacts?.driver === 's3') checks.push(await checkS3(config.settings.artifacts, homePaths(home).database, ctx.env))
  checks.push(await checkRedis(ctx, config, redisFlag))
  return checks
}

/** Redis is optional: not configured is ok; unreachable is a warning; a malformed setting fails. */
async function checkRedis(ctx: CliContext, config: LoadedConfig | undefined, flag: string | undefined): Promise<CheckResult> {
  let target
  try {
    target = resolveRedis(redisInputsOf(config, ctx.env, flag))
  } catch (err) {
    return { check: 'redis', status: 'fail', detail: messageOf(err) }
  }
  if (!target) return { check: 'redis', status: 'ok', detail: 'not configured (optional: --redis URL, REDIS_URL, REDIS_HOST or config.json redis.url)' }
  const r = await testRedis(target.url)
  return { check: 'redis', status: r.ok ? 'ok' : 'warn', detail: `${r.message} (${target.safeUrl}, from ${target.source})` }
}

/** `p2engine doctor`: checks the installation and prints ok / warn / fail per check; exit 1 on any fail. */
export function registerDoctorCommand(program: Command, wrap: Wrap): void {
  program
    .command('doctor')
    .description('check the database (integrity, schema, WAL), free disk, permissions, config, Canton, Redis and (ARTIFACT_DRIVER=s3) the S3 bucket')
    .option('--json', 'print JSON')
    .option('--redis <url>', 'check this Redis (redis:// or rediss://) instead of REDIS_URL / config.json')
    .action(wrap(async (ctx, opts: { json?: boolean; redis?: string }) => {
      const checks = await runDoctor(ctx, opts.redis)
      const failed = checks.filter((c) => c.status === 'fail').length
      const warned = checks.filter((c) => c.status === 'warn').length
      if (failed) ctx.exitCode = 1
      if (opts.json) return ctx.io.out(toJson({ ok: failed === 0, checks }))
      ctx.io.out(table('P2Engine doctor', ['Check', 'Status', 'Detail'], checks.map((c) => [c.check, MARK[c.status], c.detail]), { nowrap: ['Check', 'Status'] }))
      const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`
      ctx.io.out(failed ? pc.red(`${plural(failed, 'check')} failed${warned ? `, ${plural(warned, 'warning')}` : ''}.`) : warned ? pc.yellow(`No failures, ${plural(warned, 'warning')}.`) : pc.green('All checks passed.'))
    }))
}
