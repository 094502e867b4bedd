import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** File extensions of templates. */
export const TEMPLATE_EXTENSIONS: readonly string[] = ['.j2', '.jinja', '.jinja2', '.njk']

/**
 * Every template file under `dir`, as relative paths with `/` separators, sorted; none when the
 * folder does not exist. Plain file listing: no template engine is loaded.
 */
export function templateFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const full = join(d, entry)
      if (statSync(full).isDirectory()) walk(full)
      else if (TEMPLATE_EXTENSIONS.some((e) => entry.endsWith(e))) out.push(relative(dir, full).split(sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

/** Persona names among template files: file stems directly in `personas/`, sorted. */
export function personaNames(files: readonly string[]): string[] {
  return files
    .filter((f) => f.startsWith('personas/') && !f.slice('personas/'.length).includes('/'))
    .map((f) => f.slice('personas/'.length).replace(/\.[^.]+$/, ''))
    .sort()
}
