import { MemoryVault } from '../app/settings/vault'
import { SettingsService } from '../app/settings/settingsService'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type SettingsChannel = Extract<keyof HandlerTable, `settings:${string}`>

/** Handlers of `settings:*`; without a service from the composition root, keys stay in memory. */
export function settingsHandlers(services: AppServices): Pick<HandlerTable, SettingsChannel> {
  const settings = (services.settings ??= new SettingsService(services.config, new MemoryVault()))
  return {
    'settings:get': () => settings.view(),
    'settings:set': (input) => settings.set(input),
    'settings:test': (input) => settings.test(input.target, input.url),
  }
}
