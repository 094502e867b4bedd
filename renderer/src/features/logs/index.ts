export { LogsDrawer, LogsButton } from './components/LogsDrawer'
export { useLogsStore, resetLogsStore } from './store'
