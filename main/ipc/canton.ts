import { CantonService } from '../app/canton/cantonService'
import { bundledResourcesPath } from '../ledger/canton/sandbox/discover'
import type { EventBus } from './eventBus'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type CantonChannel = Extract<keyof HandlerTable, `canton:${string}`>

/** The composition root's Canton service, or one publishing to this bus (stopped by its builder). */
export function cantonService(services: AppServices, bus: EventBus): CantonService {
  services.canton ??= new CantonService({
    config: services.config,
    env: services.env,
    savedBackend: () => services.settings?.view().ledgerBackend ?? (services.config.settings.ledger.backend === 'canton' ? 'canton' : 'embedded'),
    onStatus: (s) => void bus.publish('canton:statusChanged', s),
    onLog: (lines) => void bus.publish('canton:logged', { lines }),
    onInstallProgress: (st) => void bus.publish('canton:installProgress', st),
    resourcesPath: bundledResourcesPath(),
    ...(services.logging ? { sandboxLog: services.logging.sandboxLog() } : {}),
  })
  return services.canton
}

/** Handlers of `canton:*`: the managed sandbox behind the ledger panel. */
export function cantonHandlers(services: AppServices, bus: EventBus): Pick<HandlerTable, CantonChannel> {
  const svc = () => cantonService(services, bus)
  return {
    'canton:status': () => svc().status(),
    'canton:start': () => svc().start(),
    'canton:stop': () => svc().stop(),
    'canton:logs': (input) => svc().logs(input.lines ?? 200),
    'canton:install': (input) => svc().installer.start(input),
    'canton:installStatus': () => svc().installer.status(),
  }
}
