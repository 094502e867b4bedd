import { useEffect, useRef } from 'react'
import { Alert, Badge, Button, Card, type Tone } from '../../../shared/ui'
import { startCantonLiveUpdates, useCantonStore } from '../canton'
import { CantonInstall, CantonJavaNote } from './CantonInstall'

const LIGHT: Record<string, Tone> = { ready: 'good', starting: 'warn', restarting: 'warn', stopping: 'warn', stopped: 'neutral', failed: 'bad' }

/** Ledger backend choice and the managed Canton sandbox: start/stop, status light, ports, live log. */
export function LedgerPanel() {
  const status = useCantonStore((s) => s.status)
  const lines = useCantonStore((s) => s.lines)
  const busy = useCantonStore((s) => s.busy)
  const error = useCantonStore((s) => s.error)
  const restartNote = useCantonStore((s) => s.restartNote)
  const { load, start, stop, setBackend } = useCantonStore.getState()
  const logRef = useRef<HTMLPreElement>(null)

  useEffect(() => {
    void load()
    return startCantonLiveUpdates()
  }, [load])

  useEffect(() => {
    const el = logRef.current
    if (el) el.scrollTop = el.scrollHeight
  }, [lines])

  if (!status) return null
  const running = ['ready', 'starting', 'restarting'].includes(status.phase)
  return (
    <Card
      title="Ledger backend"
      label="Ledger backend"
      actions={<Badge tone={LIGHT[status.phase]} title={status.detail}><span data-testid="canton-phase">Canton {status.phase}</span></Badge>}
    >
      <div className="ledger-panel">
        <fieldset className="backend-choice">
          <legend className="field-label">Backend</legend>
          {(['embedded', 'canton'] as const).map((b) => (
            <label key={b} className="radio">
              <input type="radio" name="ledger-backend" value={b} checked={status.savedBackend === b} disabled={busy === 'backend'} onChange={() => void setBackend(b)} />
              {b === 'embedded' ? 'Embedded (SQLite, default)' : 'Canton (JSON Ledger API v2)'}
            </label>
          ))}
          <p className="field-hint">
            Running on <strong>{status.backend}</strong>.{' '}
            {restartNote ? <span className="warn-text" role="status">Saved <strong>{status.savedBackend}</strong>: restart the app to switch.</span> : 'The choice is saved in settings and applies on the next start.'}
          </p>
        </fieldset>

        {!status.installed ? (
          // Canton is optional: a quiet, collapsed note, not an error on the default page.
          <details className="canton-optional" data-testid="canton-optional">
            <summary><strong>Optional: Canton backend</strong> · not installed on this machine</summary>
            <CantonInstall status={status} />
            <pre className="install-hint" data-testid="canton-install-hint">{status.installHint}</pre>
          </details>
        ) : (
          <>
            <div className="sandbox-row">
              <span className={`status-light light-${status.phase}`} aria-hidden="true" />
              <div className="sandbox-info">
                <strong>Managed sandbox</strong>
                <span className="faint">{status.detail}{status.owned ? ' · stops with the app' : status.pid ? ' · started outside this app' : ''}</span>
                <span className="faint mono">{status.install?.kind} · {status.install?.bin} ({status.install?.source === 'INSTALLED' ? 'installed by P2Engine' : status.install?.source === 'BUNDLED' ? 'bundled with the app' : status.install?.source})</span>
              </div>
              {running
                ? <Button variant="secondary" busy={busy === 'stop'} onClick={() => void stop()}>Stop</Button>
                : <Button variant="primary" busy={busy === 'start'} onClick={() => void start()}>Start Canton</Button>}
            </div>
            {Object.keys(status.ports).length > 0 && (
              <dl className="ports">
                {status.jsonApiUrl && <div><dt>JSON API</dt><dd className="mono">{status.jsonApiUrl}</dd></div>}
                {Object.entries(status.ports).map(([k, v]) => <div key={k}><dt>{k}</dt><dd className="mono">{v}</dd></div>)}
              </dl>
            )}
            <p className="field-hint">Canton keeps its state in memory: every start re-creates the party and the configured wallets.</p>
          </>
        )}

        <CantonJavaNote />

        {error && (
          <Alert tone="error" title="Canton">
            <pre className="install-hint">{error.message}</pre>
          </Alert>
        )}

        <details className="log-tail" open={running || status.phase === 'failed'}>
          <summary>Log · <span className="mono">{status.logFile}</span></summary>
          <pre ref={logRef} className="log-lines mono" aria-label="Canton log" data-testid="canton-log">{lines.length ? lines.join('\n') : 'No log yet.'}</pre>
        </details>
      </div>
    </Card>
  )
}
