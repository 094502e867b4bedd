export { ArtifactsScreen } from './components/ArtifactsScreen'
export { useArtifactsStore, resetArtifactsStore } from './store'
