import { Alert } from '../shared/ui'

/** Shown on every screen while the host is unreachable; the screen below keeps its last data, greyed out. */
export function ConnectionBanner({ host }: { host: 'electron' | 'browser' }) {
  return (
    <div className="banner" data-testid="disconnected-banner">
      <Alert tone="error" title="Disconnected from the P2Engine host">
        {host === 'browser'
          ? <>What you see below is the last data received and may be out of date. If <code>p2engine ui</code> was stopped, start it again and open the new URL it prints. Retrying…</>
          : <>What you see below is the last data received and may be out of date. Retrying…</>}
      </Alert>
    </div>
  )
}
