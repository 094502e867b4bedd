import { useState } from 'react'
import type { CantonInstallState, CantonStatus } from '../../../../../preload/contract'
import { Alert, Button, Field } from '../../../shared/ui'
import { useCantonStore } from '../canton'

const mb = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`)
const ACTIVE = ['downloading', 'verifying', 'unpacking']
const WORD: Record<string, string> = { downloading: 'Downloading', verifying: 'Verifying SHA-256', unpacking: 'Unpacking' }

/** Progress of a running install: a bar while downloading, then the phase. */
function InstallProgress({ s }: { s: CantonInstallState }) {
  const pct = s.total ? Math.min(100, Math.round((s.received / s.total) * 100)) : null
  return (
    <div className="install-progress" role="status" data-testid="canton-install-progress">
      <div className="install-bar" role="progressbar" aria-label="Canton download" aria-valuemin={0} aria-valuemax={s.total ?? undefined} aria-valuenow={s.received}>
        <span style={{ width: `${pct ?? (s.phase === 'downloading' ? 5 : 100)}%` }} />
      </div>
      <span className="faint">{WORD[s.phase]} Canton {s.version} · {mb(s.received)}{s.total ? ` of ${mb(s.total)} (${pct}%)` : ''}</span>
    </div>
  )
}

/**
 * One-click install of the pinned open-source Canton release: shows the version, URL and SHA-256
 * it will verify, a mirror / digest override, the progress, and afterwards what Java needs.
 */
export function CantonInstall({ status }: { status: CantonStatus }) {
  const install = useCantonStore((s) => s.install)
  const startInstall = useCantonStore((s) => s.startInstall)
  const [url, setUrl] = useState('')
  const [sha256, setSha256] = useState('')
  const running = !!install && ACTIVE.includes(install.phase)
  return (
    <div className="canton-install" data-testid="canton-install">
      <div className="sandbox-row">
        <div className="sandbox-info">
          <strong>Install Canton {status.pinned.version}</strong>
          <span className="faint">Downloads the open-source release into your P2Engine folder and checks it before unpacking.</span>
          <span className="faint mono install-digest" title={status.pinned.url}>SHA-256 {status.pinned.sha256}</span>
        </div>
        <Button variant="primary" busy={running} onClick={() => void startInstall({ url: url.trim() || undefined, sha256: sha256.trim() || undefined })}>
          {running ? 'Installing…' : 'Install Canton'}
        </Button>
      </div>
      <details className="install-mirror">
        <summary>Mirror or other digest</summary>
        <Field label="Mirror URL" hint="Serves the same file; the pinned SHA-256 still applies.">
          <input className="mono" placeholder={status.pinned.url} value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
        <Field label="Expected SHA-256" hint="Only for another build you trust (64 hex characters).">
          <input className="mono" placeholder={status.pinned.sha256} value={sha256} onChange={(e) => setSha256(e.target.value)} />
        </Field>
      </details>
      {install && running && <InstallProgress s={install} />}
      {install?.phase === 'failed' && install.error && (
        <Alert tone="error" title="Canton install failed"><pre className="install-hint" data-testid="canton-install-error">{install.error.message}</pre></Alert>
      )}
    </div>
  )
}

/** After an install without a suitable Java: what to install (shown whether Canton is found or not). */
export function CantonJavaNote() {
  const install = useCantonStore((s) => s.install)
  if (install?.phase !== 'done' || !install.java || install.java.ok) return null
  const java = install.java
  return (
    <Alert tone="info" title={`Canton ${install.version} is installed; it needs Java ${java.needed}+ to run`}>
      <pre className="install-hint" data-testid="canton-java-hint">{[java.major === null ? 'No java was found on PATH (or JAVA_HOME). Install it:' : `Found Java ${java.major}. Install a newer one:`, ...java.hint.map((l) => `  ${l}`)].join('\n')}</pre>
    </Alert>
  )
}
