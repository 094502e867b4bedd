import type { LoadedConfig } from '../engine/config/types'
import type { EventBus } from '../ipc/eventBus'
import { liveEventsTarget, startLiveEvents, type LiveEvents } from '../compose/liveEvents'
import type { SettingsService } from './settings/settingsService'

/**
 * The desktop app's live events: the Redis URL saved in Settings (password from the vault), else
 * REDIS_URL / REDIS_* (env or `.env`), else config.json `redis`. Without any, events stay in the app.
 * A plain-text password of an older settings.json is moved into the vault first.
 */
export function appLiveEvents(bus: EventBus, settings: SettingsService, config: LoadedConfig, env: NodeJS.ProcessEnv, log: (m: string) => void): LiveEvents {
  let saved: string | undefined
  try {
    settings.secureRedisUrl()
    saved = settings.savedRedisUrl()
  } catch (err) {
    log(`live events: ${err instanceof Error ? err.message : String(err)}`)
  }
  const target = liveEventsTarget({ config, env, ...(saved ? { flag: saved, flagLabel: 'Settings Redis URL' } : {}), log })
  return startLiveEvents(bus, { target, log })
}
