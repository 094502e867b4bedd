import { create } from 'zustand'
import type { AuditReport, LedgerEvent, LedgerStatus, SystemMetrics, TransferInput, TransferRecord, TransferResult, Wallet } from '../../../../preload/contract'
import { ClientError } from '../../shared/client'
import { walletsApi } from './api'
import type { TransferDraft } from './validate'

/** A failure as the UI shows it. */
export interface UiError {
  code: string
  message: string
}

const toUiError = (err: unknown): UiError =>
  err instanceof ClientError ? { code: err.code, message: err.message } : { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }

export interface WalletsState {
  wallets: Wallet[]
  metrics: SystemMetrics | null
  audit: AuditReport | null
  status: LedgerStatus | null
  /** Agent whose history is shown; null shows every transfer. */
  selected: string | null
  history: TransferRecord[]
  /** Audit trail used to chart balances over time. */
  timeline: LedgerEvent[]
  loaded: boolean
  loading: boolean
  loadError: UiError | null
  transferPending: boolean
  transferError: UiError | null
  lastTransfer: (TransferResult & { from: string; to: string; amount: string }) | null
  /** A draft another screen asked the transfer form to show (Get started); the form takes it once. */
  prefill: TransferDraft | null
  refresh(): Promise<void>
  select(agent: string | null): Promise<void>
  transfer(input: TransferInput): Promise<boolean>
  clearTransferFeedback(): void
}

const initial = {
  wallets: [],
  metrics: null,
  audit: null,
  status: null,
  selected: null,
  history: [],
  timeline: [],
  loaded: false,
  loading: false,
  loadError: null,
  transferPending: false,
  transferError: null,
  lastTransfer: null,
  prefill: null,
} satisfies Partial<WalletsState>

/**
 * Cache of what main sent about the ledger; the ledger stays the source of truth, so every
 * change (ours or another window's) re-reads it.
 */
export const useWalletsStore = create<WalletsState>()((set, get) => ({
  ...initial,

  async refresh() {
    set({ loading: true })
    try {
      const [wallets, metrics, audit, status, history, timeline] = await Promise.all([
        walletsApi.wallets(),
        walletsApi.metrics(),
        walletsApi.audit(),
        walletsApi.status(),
        walletsApi.history(get().selected ?? undefined),
        walletsApi.events(),
      ])
      set({ wallets, metrics, audit, status, history, timeline, loaded: true, loading: false, loadError: null })
    } catch (err) {
      set({ loading: false, loaded: true, loadError: toUiError(err) })
    }
  },

  async select(agent) {
    set({ selected: agent })
    try {
      const history = await walletsApi.history(agent ?? undefined)
      // A later selection may have finished first; keep only the current one.
      if (get().selected === agent) set({ history })
    } catch (err) {
      set({ loadError: toUiError(err) })
    }
  },

  async transfer(input) {
    set({ transferPending: true, transferError: null, lastTransfer: null })
    try {
      const result = await walletsApi.transfer(input)
      set({ transferPending: false, lastTransfer: { ...result, from: input.from, to: input.to, amount: input.amount } })
      await get().refresh()
      return true
    } catch (err) {
      set({ transferPending: false, transferError: toUiError(err) })
      return false
    }
  },

  clearTransferFeedback() {
    set({ transferError: null, lastTransfer: null })
  },
}))

/** Opens the transfer form with this draft filled in (the user still reviews and sends it). */
export const prefillTransfer = (draft: TransferDraft): void => useWalletsStore.setState({ prefill: draft, transferError: null, lastTransfer: null })

/** Resets to the initial state (tests). */
export const resetWalletsStore = (): void => useWalletsStore.setState(initial)

/**
 * Keeps the store live: a committed transfer or a settled rollout variant (this window's, another
 * window's or another process's, see live events) re-reads the ledger. While a read is in flight
 * further events fold into one more read after it, so a burst of payments costs two reads, not
 * one per payment. Returns the unsubscribe.
 */
export function startWalletsLiveUpdates(): () => void {
  let reading = false
  let again = false
  const reread = (): void => {
    if (reading) {
      again = true
      return
    }
    reading = true
    void useWalletsStore.getState().refresh().finally(() => {
      reading = false
      if (again) {
        again = false
        reread()
      }
    })
  }
  const offTransfers = walletsApi.onTransferred(reread)
  const offRollouts = walletsApi.onRolloutSettled(reread)
  return () => {
    offTransfers()
    offRollouts()
  }
}

export const selectWallets = (s: WalletsState) => s.wallets
export const selectAgents = (s: WalletsState) => s.wallets.map((w) => w.agent)
