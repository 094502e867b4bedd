import { create } from 'zustand'
import type { ConnectionTest, SettingsPatch, SettingsView } from '../../../../preload/contract'
import { toUiError, type UiError } from '../chat'
import { settingsApi } from './api'

export interface SettingsState {
  view: SettingsView | null
  error: UiError | null
  saving: boolean
  saved: boolean
  tests: Partial<Record<'model' | 'redis', ConnectionTest | 'running'>>
  load(): Promise<void>
  save(patch: SettingsPatch): Promise<boolean>
  test(target: 'model' | 'redis', url?: string): Promise<void>
}

const initial = { view: null, error: null, saving: false, saved: false, tests: {} }

/** Saved settings (keys masked) and the results of connection tests. */
export const useSettingsStore = create<SettingsState>()((set, get) => ({
  ...initial,
  async load() {
    try {
      set({ view: await settingsApi.get(), error: null })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },
  async save(patch) {
    set({ saving: true, saved: false, error: null })
    try {
      set({ view: await settingsApi.set(patch), saving: false, saved: true })
      return true
    } catch (err) {
      set({ saving: false, error: toUiError(err) })
      return false
    }
  },
  async test(target, url) {
    set({ tests: { ...get().tests, [target]: 'running' } })
    try {
      const result = await settingsApi.test(target, url)
      set({ tests: { ...get().tests, [target]: result } })
    } catch (err) {
      const e = toUiError(err)
      set({ tests: { ...get().tests, [target]: { target, url: url ?? '', ok: false, message: e.message, ms: 0 } } })
    }
  },
}))

export const resetSettingsStore = (): void => useSettingsStore.setState(initial)
