import { create } from 'zustand'
import type { ConnectionTest, SettingsPatch, SettingsView } from '../../../../preload/contract'
import { ClientError } from '../../shared/client'
import { useHostStore } from '../../shared/host'
import { settingsApi } from './api'
import { checkPatch, fieldErrorsFromMessage, type FieldErrors } from './fieldErrors'

/** A failure as the UI shows it. */
export interface UiError {
  code: string
  message: string
}

const toUiError = (err: unknown): UiError =>
  err instanceof ClientError ? { code: err.code, message: err.message } : { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }

export type TestTarget = 'model' | 'redis'

export interface SettingsState {
  view: SettingsView | null
  /** A load or save failure that is not about one field. */
  error: UiError | null
  /** What is wrong with each field, after a save attempt. */
  fieldErrors: FieldErrors
  saving: boolean
  saved: boolean
  tests: Partial<Record<TestTarget, ConnectionTest | 'running'>>
  load(): Promise<void>
  save(patch: SettingsPatch): Promise<boolean>
  /** The user edited a field: its error and (for a URL) the stale connection test go away. */
  edited(field: keyof SettingsPatch): void
  test(target: TestTarget, url?: string): Promise<void>
}

const initial = { view: null, error: null, fieldErrors: {}, saving: false, saved: false, tests: {} }

/** Which connection test a field's value feeds. */
const TESTED_BY: Partial<Record<keyof SettingsPatch, TestTarget>> = { baseUrl: 'model', redisUrl: 'redis' }

/** Bumped when a tested field changes: a test still running for the old value is dropped. */
const generation: Record<TestTarget, number> = { model: 0, redis: 0 }

/** Saved settings (keys masked), field errors and the results of connection tests. */
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
    const fieldErrors = checkPatch(patch)
    if (Object.keys(fieldErrors).length) {
      set({ fieldErrors, saved: false, error: null })
      return false
    }
    set({ saving: true, saved: false, error: null, fieldErrors: {} })
    try {
      set({ view: await settingsApi.set(patch), saving: false, saved: true })
      // The model pill says whether a restart is needed now.
      void useHostStore.getState().load()
      return true
    } catch (err) {
      const e = toUiError(err)
      const fromHost = e.code === 'USER_INPUT' ? fieldErrorsFromMessage(e.message) : {}
      set(Object.keys(fromHost).length ? { saving: false, fieldErrors: fromHost } : { saving: false, error: e })
      return false
    }
  },
  edited(field) {
    const { fieldErrors, tests, saved } = get()
    const target = TESTED_BY[field]
    if (target) generation[target]++
    if (!(field in fieldErrors) && !(target && tests[target]) && !saved) return
    const { [field]: _gone, ...rest } = fieldErrors
    const { [target ?? 'none' as TestTarget]: _stale, ...keptTests } = tests
    set({ fieldErrors: rest, tests: target ? keptTests : tests, saved: false })
  },
  async test(target, url) {
    const gen = ++generation[target]
    set({ tests: { ...get().tests, [target]: 'running' } })
    let result: ConnectionTest
    try {
      result = await settingsApi.test(target, url)
    } catch (err) {
      result = { target, url: url ?? '', ok: false, message: toUiError(err).message, ms: 0 }
    }
    if (gen === generation[target]) set({ tests: { ...get().tests, [target]: result } })
  },
}))

export const resetSettingsStore = (): void => useSettingsStore.setState(initial)
