export { WalletsScreen } from './components/WalletsScreen'
export { useWalletsStore, resetWalletsStore, startWalletsLiveUpdates, prefillTransfer } from './store'
export type { TransferDraft } from './validate'
