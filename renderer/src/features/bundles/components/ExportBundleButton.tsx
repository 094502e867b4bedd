import { useState } from 'react'
import { Button } from '../../../shared/ui'
import { ProgressBar } from './ProgressBar'
import { bundlesApi, saveBlob, type ExportSelection } from '../api'

const suggestedName = (s: ExportSelection): string =>
  `${(s.rollouts?.[0] ?? s.conversations?.[0] ?? 'artifacts').replace(/[^\w.-]+/g, '-')}.p2bundle`

/** "Export bundle": exports a conversation, rollout or artifacts' conversations to a .p2bundle and downloads it. */
export function ExportBundleButton({ selection, label = 'Export bundle', disabled }: { selection: ExportSelection; label?: string; disabled?: boolean }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [fraction, setFraction] = useState<number | null>(null)
  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      if (bundlesApi.nativeDialogs()) {
        // Desktop: the native save dialog; the host writes the file there.
        await bundlesApi.exportToChosenFile(selection, suggestedName(selection))
      } else {
        const { fileName, blob } = await bundlesApi.exportBundle(selection, (done, total) => setFraction(total ? done / total : 1))
        saveBlob(blob, fileName)
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
      setFraction(null)
    }
  }
  return (
    <>
      <Button variant="secondary" busy={busy} disabled={disabled} onClick={() => void run()} title="A portable, verifiable .p2bundle file: conversations, artifacts with payloads, recordings and config">
        {label}
      </Button>
      {busy && fraction !== null && fraction < 1 && <ProgressBar label="Downloading" fraction={fraction} />}
      {error && <span role="alert" className="bundle-error">{error}</span>}
    </>
  )
}
