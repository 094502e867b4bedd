export { RolloutsScreen } from './components/RolloutsScreen'
export { useRolloutsStore, resetRolloutsStore, startRolloutsLiveUpdates } from './store'
