import type { HandlerTable } from './register'
import type { AppServices } from './services'

type AppChannel = Extract<keyof HandlerTable, `app:${string}`>

/** Handlers of the `app:*` channels. */
export function appHandlers(services: AppServices): Pick<HandlerTable, AppChannel> {
  return {
    'app:info': () => ({
      name: services.app.name,
      version: services.app.version,
      host: services.app.host,
      home: services.config.settings.home,
      configDir: services.config.configDir,
      ledgerBackend: services.ledger.backend,
    }),
  }
}
