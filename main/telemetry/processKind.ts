import type { ProcessKind } from './settings'

/** Global options of the CLI that take a value (their value is not the command). */
const VALUED = new Set(['-c', '--config', '--home', '--ledger-backend'])

/** `ui-host` for `p2engine ui` (the browser host), `cli` for every other command. */
export function processKindOf(argv: readonly string[]): ProcessKind {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (VALUED.has(a)) {
      i++
      continue
    }
    if (a.startsWith('-')) continue
    return a === 'ui' ? 'ui-host' : 'cli'
  }
  return 'cli'
}
