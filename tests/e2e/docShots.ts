import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Keeps a screenshot for the README: always in the test's output, and copied to
 * `docs/screenshots/<name>.png` only with `UPDATE_DOC_SCREENSHOTS=1`, so a test run leaves the
 * checkout as it found it.
 */
export function saveDocShot(file: string, name: string): void {
  if (process.env.UPDATE_DOC_SCREENSHOTS !== '1') return
  const target = `docs/screenshots/${name}.png`
  mkdirSync(dirname(target), { recursive: true })
  copyFileSync(file, target)
}
