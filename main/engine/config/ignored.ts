import type { DotenvFile } from './dotenv'

/**
 * Settings of the original (`.env.example`, behaviour.md §10.2) that are read by nothing here:
 * setting them must not look like it did something. Each yields one warning naming the
 * variable, where it was set and why it has no effect. (Values that are wrong for a setting
 * that *is* used are errors, see `settings.ts`.)
 */

const S3_SETTINGS = ['S3_BUCKET', 'S3_PREFIX', 'S3_THRESHOLD_BYTES']

type Source = 'env' | '.env'

/** Variables set (non-empty) in the environment or the `.env` file, with where; env wins. */
function setVariables(env: NodeJS.ProcessEnv, dotenv: DotenvFile): Map<string, { value: string; source: Source }> {
  const out = new Map<string, { value: string; source: Source }>()
  for (const [k, v] of Object.entries(dotenv.values)) if (v.trim()) out.set(k, { value: v.trim(), source: '.env' })
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim()) out.set(k, { value: v.trim(), source: 'env' })
  return out
}

/** Variables set only in the `.env` file (not overridden by the environment). */
const dotenvOnly = (env: NodeJS.ProcessEnv, dotenv: DotenvFile) => [...setVariables(env, dotenv)].filter(([, v]) => v.source === '.env')

const names = (vars: [string, { source: Source }][]) => vars.map(([k, v]) => `${k} (${v.source})`).join(', ')
const verb = (n: number) => (n === 1 ? 'is' : 'are')

/**
 * Warnings for set-but-ignored settings: a `REDIS_*` variable in `.env`, an `S3_*` variable that is no
 * setting, and the S3 settings while `ARTIFACT_DRIVER` is not `s3`. Empty when there is nothing to say.
 */
export function ignoredSettings(env: NodeJS.ProcessEnv, dotenv: DotenvFile): string[] {
  const vars = setVariables(env, dotenv)
  const warnings: string[] = []
  // REDIS_* in the environment are read (scale-out: worker, rollout start/resume, doctor); in .env they are not.
  const redis = [...dotenvOnly(env, dotenv)].filter(([k]) => k.startsWith('REDIS_')).sort(([a], [b]) => a.localeCompare(b))
  if (redis.length) warnings.push(`${names(redis)} ${verb(redis.length)} ignored: Redis settings are read from the environment, config.json \`redis\` or --redis, not from .env`)
  // ARTIFACT_DRIVER, S3_BUCKET, S3_PREFIX and S3_THRESHOLD_BYTES are settings (see settings.ts).
  const s3 = [...vars].filter(([k]) => k.startsWith('S3_') && !S3_SETTINGS.includes(k)).sort(([a], [b]) => a.localeCompare(b))
  if (s3.length) warnings.push(`${names(s3)} ${verb(s3.length)} ignored: the S3 settings are ${S3_SETTINGS.join(', ')} and the standard AWS_* variables`)
  const driver = vars.get('ARTIFACT_DRIVER')
  if (driver?.value.toLowerCase() !== 's3') {
    const used = [...vars].filter(([k]) => S3_SETTINGS.includes(k)).sort(([a], [b]) => a.localeCompare(b))
    if (used.length) warnings.push(`${names(used)} ${verb(used.length)} ignored: ARTIFACT_DRIVER is not s3, so artifacts are stored in the local database under P2ENGINE_HOME`)
  }
  return warnings
}
