import type { Bridge } from '../../../../preload/contract'
import { ClientError, type Client } from './types'

/** The client over the Electron preload bridge (`window.p2engine`). */
export function createIpcClient(bridge: Bridge): Client {
  return {
    transport: 'ipc',
    async invoke(channel, input) {
      const result = await bridge.invoke(channel, input)
      if (!result.ok) throw new ClientError(result.error.code, result.error.message)
      return result.data
    },
    on: (event, cb) => bridge.on(event, cb),
    onConnection(cb) {
      cb('open')
      return () => {}
    },
  }
}
