import { AppError } from '../engine/errors'
import { RolloutService } from '../app/rollouts/rolloutService'
import type { EventBus } from './eventBus'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type RolloutsChannel = Extract<keyof HandlerTable, `rollouts:${string}`>

/** The rollout service of the composition root, or one built on the services' store and ledger. */
export function rolloutService(services: AppServices, bus: EventBus): RolloutService {
  if (services.rollouts) return services.rollouts
  const { store, engine } = services
  if (!store) throw new AppError('ROLLOUTS_UNAVAILABLE', 'Rollouts are not available in this host (no database). Restart the app; if it persists, check the log for the startup error.')
  services.rollouts = new RolloutService({
    config: services.config, store, ledger: services.ledger, env: services.env,
    toolNames: () => engine?.deps.tools.names() ?? [],
    publish: (p) => void bus.publish('rollouts:progressed', p),
    log: (m) => console.error(m),
    ...(services.logging ? { logging: services.logging } : {}),
  })
  return services.rollouts
}

/** Handlers of `rollouts:*`; progress is pushed as `rollouts:progressed` by the service. */
export function rolloutsHandlers(services: AppServices, bus: EventBus): Pick<HandlerTable, RolloutsChannel> {
  const svc = () => rolloutService(services, bus)
  return {
    'rollouts:list': (input) => svc().list(input.limit ?? 50),
    'rollouts:files': () => svc().files(),
    'rollouts:validate': (input) => svc().validate(input.yaml, input.fileName, input.maxVariants),
    'rollouts:start': (input) => svc().start(input),
    'rollouts:resume': (input) => svc().resume(input.id),
    'rollouts:stop': (input) => svc().stop(input.id),
    'rollouts:get': (input) => svc().get(input.id),
    'rollouts:compare': (input) => svc().compare(input.left, input.right),
    'rollouts:export': (input) => svc().export(input.id, input.format),
  }
}
