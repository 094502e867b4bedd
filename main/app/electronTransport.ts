import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { EVENT_CHANNEL, type InvokeChannel } from '../../preload/contract'
import type { EventBus } from '../ipc/eventBus'
import type { ChannelCall, Transport } from '../ipc/register'

/**
 * Registers contract channels on `ipcMain.handle`, refusing any message whose sending frame is
 * not our renderer (a foreign frame gets a FORBIDDEN envelope and the handler never runs).
 */
export class ElectronIpcTransport implements Transport {
  readonly channels: InvokeChannel[] = []

  constructor(
    private readonly ipcMain: IpcMain,
    private readonly isTrusted: (frameUrl: string | undefined) => boolean,
    private readonly log: (msg: string) => void = (m) => console.warn(m),
  ) {}

  handle(channel: InvokeChannel, call: ChannelCall): void {
    this.channels.push(channel)
    this.ipcMain.handle(channel, (event: IpcMainInvokeEvent, input: unknown) => {
      const url = event.senderFrame?.url
      if (!this.isTrusted(url)) {
        this.log(`refused ${channel} from untrusted frame ${url ?? '(gone)'}`)
        return { ok: false, error: { code: 'FORBIDDEN', message: `${channel} refused: the sender is not the P2Engine window` } }
      }
      return call(input)
    })
  }

  /** Removes every handler (on shutdown). */
  dispose(): void {
    for (const c of this.channels) this.ipcMain.removeHandler(c)
    this.channels.length = 0
  }
}

/** Forwards every bus event to the live windows; returns the unsubscribe. */
export function forwardEvents(bus: EventBus, targets: () => WebContents[]): () => void {
  return bus.subscribe(({ name, payload }) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, { name, payload })
  })
}
