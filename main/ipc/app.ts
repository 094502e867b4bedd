import { ledgerDisabledNote } from '../engine/ledger/enabled'
import { ModelRouter } from '../engine/models/router'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type AppChannel = Extract<keyof HandlerTable, `app:${string}`>

const NOTHING_CREATED = { created: [], balance: null, error: null }

/** Handlers of the `app:*` channels. */
export function appHandlers(services: AppServices): Pick<HandlerTable, AppChannel> {
  // One router per host, as the engine has: it caches each provider's resolution (and re-checks an
  // offline fallback every 30 s, so a local server started later shows up).
  let router: ModelRouter | undefined
  return {
    'app:info': async () => ({
      name: services.app.name,
      version: services.app.version,
      host: services.app.host,
      home: services.config.settings.home,
      configDir: services.config.configDir,
      ledgerBackend: services.ledger.backend,
      firstStart: (await services.firstStart) ?? NOTHING_CREATED,
      configWarnings: [...(services.config.warnings ?? []), ...(services.toolProblems?.() ?? [])],
      ledgerNote: ledgerDisabledNote(services.config),
    }),
    'app:model': async () => {
      const { llm } = services.config.settings
      router ??= new ModelRouter({ apiBase: llm.apiBase, ...(llm.apiKey ? { apiKey: llm.apiKey } : {}) })
      const restartRequired = services.settings?.view().restartRequired ?? false
      try {
        const r = await router.resolve(llm.defaultModel)
        return { model: llm.defaultModel, offline: r.offline, reason: r.reason, restartRequired }
      } catch (err) {
        // A bad default model id: every chat turn will fail with this message too.
        return { model: llm.defaultModel, offline: true, reason: err instanceof Error ? err.message : String(err), restartRequired }
      }
    },
  }
}
