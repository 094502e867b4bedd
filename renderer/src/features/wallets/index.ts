export { WalletsScreen } from './components/WalletsScreen'
export { useWalletsStore, resetWalletsStore, startWalletsLiveUpdates } from './store'
