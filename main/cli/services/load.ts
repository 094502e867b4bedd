import type { EngineServices } from './engine'
import type { StateServices } from './state'

/** What a command needs beyond its config: `state` adds store, ledger and logs; `engine` adds the engine. */
export type ServiceNeeds = 'config' | 'state' | 'engine'

/** The heavy parts of a CLI context, present when the command's group said it needs them. */
export interface ContextServices {
  readonly state?: StateServices
  readonly engine?: EngineServices
}

/** Imports the modules a command needs (in parallel), and nothing else. */
export async function loadServices(needs: ServiceNeeds): Promise<ContextServices> {
  if (needs === 'config') return {}
  const [state, engine] = await Promise.all([
    import('./state').then((m) => m.stateServices),
    needs === 'engine' ? import('./engine').then((m) => m.engineServices) : undefined,
  ])
  return engine ? { state, engine } : { state }
}
