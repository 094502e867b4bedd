import type { LogsTailInput } from './types'
import { getClient } from '../../shared/client'

/** The logs feature's one call: the newest lines, or those after a cursor. */
export const logsApi = {
  tail: (input: LogsTailInput) => getClient().invoke('logs:tail', input),
}
