import type { RolloutProgress, StartInput } from '../../../../preload/contract'
import { getClient } from '../../shared/client'

/** The rollouts feature's calls; everything goes through the shared client. */
export const rolloutsApi = {
  list: () => getClient().invoke('rollouts:list', { limit: 50 }),
  files: () => getClient().invoke('rollouts:files', {}),
  validate: (yaml: string, fileName: string) => getClient().invoke('rollouts:validate', { yaml, fileName }),
  start: (input: StartInput) => getClient().invoke('rollouts:start', input),
  resume: (id: string) => getClient().invoke('rollouts:resume', { id }),
  stop: (id: string) => getClient().invoke('rollouts:stop', { id }),
  get: (id: string) => getClient().invoke('rollouts:get', { id }),
  compare: (left: string, right: string) => getClient().invoke('rollouts:compare', { left, right }),
  export: (id: string, format: 'json' | 'jsonl' | 'csv') => getClient().invoke('rollouts:export', { id, format }),
  onProgress: (cb: (p: RolloutProgress) => void) => getClient().on('rollouts:progressed', cb),
}
