import { useState } from 'react'
import type { AppInfo } from '../../../preload/contract'
import { Alert } from '../shared/ui'

const KEY = 'p2engine.configNotice.dismissed'

/** What the notice says: the ledger note first, then each ignored setting. Empty: no notice. */
export function configNoticeLines(info: Pick<AppInfo, 'configWarnings' | 'ledgerNote'> | null): string[] {
  if (!info) return []
  return [...(info.ledgerNote ? [info.ledgerNote] : []), ...info.configWarnings]
}

const dismissedText = (): string | null => {
  try {
    return localStorage.getItem(KEY)
  } catch {
    return null
  }
}

/**
 * The config warnings the CLI prints on stderr (ignored ARTIFACT_DRIVER / REDIS_* / S3_* settings,
 * custom tool files in config/tools/ that did not load: refreshed after each hot reload)
 * and the ledger-disabled note, shown once above every screen. Dismissing hides this exact set;
 * a different set (the config changed) shows again.
 */
export function ConfigNotice({ info }: { info: AppInfo | null }) {
  const lines = configNoticeLines(info)
  const text = lines.join('\n')
  const [dismissed, setDismissed] = useState(dismissedText)
  if (!lines.length || dismissed === text) return null
  const dismiss = () => {
    try {
      localStorage.setItem(KEY, text)
    } catch {
      // Storage unavailable: hide for this page only.
    }
    setDismissed(text)
  }
  return (
    <div className="banner" data-testid="config-notice">
      <Alert tone="info" title="Configuration notes">
        <ul className="config-notice-list">
          {lines.map((l) => <li key={l}>{l}</li>)}
        </ul>
        <button type="button" className="btn btn-ghost" onClick={dismiss}>Dismiss</button>
      </Alert>
    </div>
  )
}
