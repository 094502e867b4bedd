import { existsSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { UserInputError } from '../engine/errors'

/**
 * Finds the built renderer (`out/renderer`) whether the code runs from the sources
 * (`main/web/`), from the bundle (`out/main/` or `out/main/chunks/`) or from the repo root.
 */
export function findRendererDir(here: string = import.meta.dirname, cwd: string = process.cwd()): string {
  const candidates = [
    resolve(here, '../renderer'),
    resolve(here, '../../renderer'),
    resolve(here, '../../out/renderer'),
    resolve(here, '../../../out/renderer'),
    resolve(cwd, 'out/renderer'),
  ]
  // Only a build output counts: the source `renderer/` also has an index.html.
  const found = candidates.find((dir) => dir.endsWith(`out${sep}renderer`) && existsSync(join(dir, 'index.html')))
  if (!found) {
    throw new UserInputError(
      `the UI is not built: no index.html in ${candidates[candidates.length - 1]} (run \`npm run build\` first)`,
      'UI_NOT_BUILT',
    )
  }
  return found
}
