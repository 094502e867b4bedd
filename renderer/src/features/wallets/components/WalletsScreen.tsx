import { useEffect } from 'react'
import { selectDisconnected, useHostStore } from '../../../shared/host'
import { Alert, Badge, Button, EmptyState, Icon, Spinner } from '../../../shared/ui'
import { useEscape } from '../../../shared/useEscape'
import { startWalletsLiveUpdates, useWalletsStore } from '../store'
import { AuditCard } from './AuditCard'
import { BalanceChart } from './BalanceChart'
import { BalancesTable } from './BalancesTable'
import { HistoryTable } from './HistoryTable'
import { MetricsStrip } from './MetricsStrip'
import { TransferForm } from './TransferForm'
import { LedgerPanel } from './LedgerPanel'
import './wallets.css'

/** The Wallets screen: balances, transfer, audit, backend status and history, live. */
export function WalletsScreen() {
  const loaded = useWalletsStore((s) => s.loaded)
  const loading = useWalletsStore((s) => s.loading)
  const loadError = useWalletsStore((s) => s.loadError)
  const status = useWalletsStore((s) => s.status)
  const walletCount = useWalletsStore((s) => s.wallets.length)
  const refresh = useWalletsStore((s) => s.refresh)
  const disconnected = useHostStore(selectDisconnected)
  const firstStartError = useHostStore((s) => s.info?.firstStart.error ?? null)
  const selected = useWalletsStore((s) => s.selected)
  // Esc leaves one agent's history for everyone's.
  useEscape(selected !== null, () => void useWalletsStore.getState().select(null))

  useEffect(() => {
    void refresh()
    return startWalletsLiveUpdates()
  }, [refresh])

  return (
    <div className="screen wallets">
      <header className="screen-header">
        <div>
          <h1>Wallets</h1>
          <p className="muted">Balances and transfers on the ledger. Every change is audited.</p>
        </div>
        <div className="screen-actions">
          {status && (
            // Grey while the host is unreachable: "ready" would be a claim this page cannot check.
            <Badge tone={disconnected ? 'neutral' : status.ready ? 'good' : 'bad'} title={disconnected ? 'Disconnected from the host' : status.detail}>
              <span data-testid="ledger-badge">{status.backend} ledger · {disconnected ? 'disconnected' : status.ready ? 'ready' : 'unavailable'}</span>
            </Badge>
          )}
          <Button variant="ghost" onClick={() => void refresh()} busy={loading} aria-label="Refresh wallets">
            Refresh
          </Button>
        </div>
      </header>

      {loadError && (
        <Alert tone="error" title="Could not read the ledger">
          {loadError.message} <span className="faint">({loadError.code})</span>
        </Alert>
      )}

      {!loaded ? (
        <div className="center-pad"><Spinner label="Loading wallets" /></div>
      ) : walletCount === 0 && !loadError ? (
        <EmptyState icon={<Icon name="wallets" size={26} />} title="No wallets yet">
          {firstStartError
            ? <>The app could not create the configured wallets: {firstStartError}.</>
            : <>The app creates one wallet per configured agent on its first start. This ledger has none (another backend, or they were not made yet): run <code>p2engine ledger init</code> once, and this screen updates by itself.</>}
        </EmptyState>
      ) : (
        <>
          <MetricsStrip />
          <div className="wallets-grid">
            <div className="wallets-main">
              <BalancesTable />
              <BalanceChart />
            </div>
            <div className="wallets-side">
              <TransferForm />
              <AuditCard />
              <LedgerPanel />
            </div>
          </div>
          <HistoryTable />
        </>
      )}
    </div>
  )
}
