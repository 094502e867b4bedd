export { BranchesScreen } from './components/BranchesScreen'
export { useBranchesStore, resetBranchesStore } from './store'
