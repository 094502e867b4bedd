import type { Output } from './output'

/**
 * Warnings already printed, per environment object. The shell runs every command with the same
 * env, so a warning about a setting appears once per process, not once per command; tests get
 * a fresh env (and so fresh warnings) per isolated CLI environment.
 */
const printed = new WeakMap<object, Set<string>>()

/** Prints each warning on stderr (`warning: …`) unless it was printed before for this env. */
export function warnOnce(env: NodeJS.ProcessEnv, io: Output, warnings: readonly string[] | undefined): void {
  if (!warnings?.length) return
  let seen = printed.get(env)
  if (!seen) printed.set(env, (seen = new Set()))
  for (const w of warnings) {
    if (seen.has(w)) continue
    seen.add(w)
    io.err(`warning: ${w}`)
  }
}
