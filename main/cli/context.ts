import type { Output } from './output'
import { CliContextBase, type GlobalOptions } from './contextBase'
import { stateServices } from './services/state'
import { engineServices } from './services/engine'

export { checkHome, type GlobalOptions } from './contextBase'

/**
 * A CLI context with every service at hand (store, ledger, logs, engine), for code that builds
 * one directly (tests, the e2e host). The `p2engine` program itself uses {@link CliContextBase}
 * with only the services of the command that runs, so a cold start loads no more than it needs.
 */
export class CliContext extends CliContextBase {
  constructor(globals: GlobalOptions, io?: Output, env: NodeJS.ProcessEnv = process.env) {
    super(globals, io, env, { state: stateServices, engine: engineServices })
  }
}
