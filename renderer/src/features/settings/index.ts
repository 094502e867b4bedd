export { SettingsScreen } from './components/SettingsScreen'
export { useSettingsStore, resetSettingsStore } from './store'
