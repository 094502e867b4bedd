import type { ArtifactQueryInput } from '../../../../preload/contract'
import { getClient } from '../../shared/client'

/** The artifacts feature's calls. */
export const artifactsApi = {
  query: (q: ArtifactQueryInput) => getClient().invoke('artifacts:query', q),
  get: (ref: string) => getClient().invoke('artifacts:get', { ref }),
  diff: (left: string, right: string) => getClient().invoke('artifacts:diff', { left, right }),
}
