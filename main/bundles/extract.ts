import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import { UserInputError } from '../engine/errors'
import type { BundleContent } from './format'

/**
 * Writes a bundle's config files (agents.yml, templates, rubrics: secrets already scrubbed) and
 * each rollout's spec YAML (`rollouts/<id>.yml`) under `dir`, so the run can be replayed with
 * `p2engine -c DIR --replay …`. Never overwrites: any existing target file refuses the whole write.
 */
export function extractConfig(c: BundleContent, dir: string): string[] {
  const root = resolve(dir)
  const files: [string, string][] = [
    ...Object.entries(c.configFiles),
    ...c.rows.rollouts.map((r): [string, string] => [`rollouts/${r.id}.yml`, r.spec_yaml]),
  ]
  const targets = files.map(([rel, text]): [string, string] => {
    const p = resolve(root, rel)
    if (!p.startsWith(root + sep)) throw new UserInputError(`--extract: bundle path ${rel} leaves ${dir}`, 'BAD_BUNDLE')
    return [p, text]
  })
  const taken = targets.find(([p]) => existsSync(p))
  if (taken) throw new UserInputError(`--extract: ${taken[0]} exists; extract into an empty folder (nothing was written)`, 'FILE_EXISTS')
  for (const [p, text] of targets) {
    mkdirSync(dirname(p), { recursive: true })
    writeFileSync(p, text)
  }
  return targets.map(([p]) => p)
}
