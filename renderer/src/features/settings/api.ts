import type { SettingsPatch } from '../../../../preload/contract'
import { getClient } from '../../shared/client'

/** The settings feature's calls. */
export const settingsApi = {
  get: () => getClient().invoke('settings:get', {}),
  set: (patch: SettingsPatch) => getClient().invoke('settings:set', patch),
  test: (target: 'model' | 'redis', url?: string) => getClient().invoke('settings:test', url ? { target, url } : { target }),
}
