import type { DotenvFile } from './dotenv'

/**
 * Settings of the original (`.env.example`, behaviour.md §10.2) that are read by nothing here:
 * setting them must not look like it did something. Each yields one warning naming the
 * variable, where it was set and why it has no effect. (Values that are wrong for a setting
 * that *is* used are errors, see `settings.ts`.)
 */

const DRIVERS = ['fs', 's3']

type Source = 'env' | '.env'

/** Variables set (non-empty) in the environment or the `.env` file, with where; env wins. */
function setVariables(env: NodeJS.ProcessEnv, dotenv: DotenvFile): Map<string, { value: string; source: Source }> {
  const out = new Map<string, { value: string; source: Source }>()
  for (const [k, v] of Object.entries(dotenv.values)) if (v.trim()) out.set(k, { value: v.trim(), source: '.env' })
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim()) out.set(k, { value: v.trim(), source: 'env' })
  return out
}

const names = (vars: [string, { source: Source }][]) => vars.map(([k, v]) => `${k} (${v.source})`).join(', ')
const verb = (n: number) => (n === 1 ? 'is' : 'are')

/**
 * Warnings for set-but-ignored settings: an `ARTIFACT_DRIVER` other than `fs`, and any
 * `REDIS_*` or `S3_*` variable. Empty when there is nothing to say.
 */
export function ignoredSettings(env: NodeJS.ProcessEnv, dotenv: DotenvFile): string[] {
  const vars = setVariables(env, dotenv)
  const warnings: string[] = []
  const driver = vars.get('ARTIFACT_DRIVER')
  if (driver && driver.value.toLowerCase() !== 'fs') {
    const why = DRIVERS.includes(driver.value.toLowerCase()) ? 'P2Engine has no S3 driver yet' : `not a known driver (known: ${DRIVERS.join(', ')})`
    warnings.push(`ARTIFACT_DRIVER=${JSON.stringify(driver.value)} (${driver.source}) is ignored: ${why}; artifacts are stored in the local database under P2ENGINE_HOME`)
  }
  const redis = [...vars].filter(([k]) => k.startsWith('REDIS_')).sort(([a], [b]) => a.localeCompare(b))
  if (redis.length) warnings.push(`${names(redis)} ${verb(redis.length)} ignored: P2Engine keeps its state in SQLite under P2ENGINE_HOME and uses no Redis`)
  const s3 = [...vars].filter(([k]) => k.startsWith('S3_')).sort(([a], [b]) => a.localeCompare(b))
  if (s3.length) warnings.push(`${names(s3)} ${verb(s3.length)} ignored: no feature uses S3 yet (artifacts are stored in the local database)`)
  return warnings
}
