import { useEscape } from '../../../shared/useEscape'
import { Alert, Button } from '../../../shared/ui'
import { formatSize } from '../format'
import { useImportStore, type Preview } from '../store'
import { ProgressBar } from './ProgressBar'

const COUNTS: [keyof Preview['summary']['counts'], string][] = [
  ['conversations', 'Conversations'], ['branches', 'Branches'], ['entries', 'Entries'], ['artifacts', 'Artifacts'], ['evaluations', 'Evaluations'],
  ['rollouts', 'Rollouts'], ['variants', 'Variants'], ['recordings', 'Recordings'], ['transfers', 'Ledger transfers (history)'], ['configFiles', 'Config files'],
]

function PreviewView({ p }: { p: Preview }) {
  const s = p.summary
  return (
    <div className="bundle-preview" data-testid="bundle-preview">
      <p>
        <strong>{p.fileName}</strong> · {formatSize(p.bytes)} · format {s.format} v{s.version}
        <br />
        <span className="faint">made by P2Engine {s.appVersion} on machine {s.sourceMachine} at {s.created}</span>
      </p>
      <table className="bundle-counts">
        <tbody>
          {COUNTS.filter(([k]) => s.counts[k] > 0).map(([k, label]) => (
            <tr key={k}><th scope="row">{label}</th><td data-testid={`count-${k}`}>{s.counts[k]}</td></tr>
          ))}
        </tbody>
      </table>
      <h3>What importing does here</h3>
      <ul className="bundle-items">
        {p.preview.items.map((i) => (
          <li key={`${i.kind}:${i.sourceId}`}>
            {i.status === 'imported' ? 'Imports' : i.status === 'already-imported' ? 'Already imported, skipped:' : 'Already here, skipped:'} {i.kind} <strong>{i.name}</strong>
            {i.renamed?.id && <span className="warn"> (id taken here: gets {i.renamed.id})</span>}
            {i.renamed?.name && <span className="warn"> (name taken here: becomes “{i.renamed.name}”)</span>}
          </li>
        ))}
      </ul>
      {p.preview.refsRemapped > 0 && <p className="warn">{p.preview.refsRemapped} artifact refs are taken here and get new ones.</p>}
      {!p.preview.changed && <p>Everything in this bundle is already here: importing changes nothing.</p>}
      <details>
        <summary>{p.entries.length} entries</summary>
        <ul>{p.entries.map((e) => <li key={e.name}>{e.name} · {formatSize(e.size)}</li>)}</ul>
      </details>
    </div>
  )
}

/** The import dialog: progress while reading, the manifest preview, then the import and its report. */
export function ImportDialog() {
  const s = useImportStore()
  useEscape(s.phase !== 'closed' && s.phase !== 'importing', s.close)
  if (s.phase === 'closed') return null
  return (
    <div className="overlay-backdrop" role="presentation">
      <div className="overlay" role="dialog" aria-modal="true" aria-label="Import bundle">
        <div className="overlay-head">
          <h2>Import bundle{s.fileName ? `: ${s.fileName}` : ''}</h2>
          <Button variant="ghost" onClick={s.close} disabled={s.phase === 'importing'} aria-label="Close dialog">✕</Button>
        </div>
        <div className="overlay-body">
          {s.progress && <ProgressBar label={s.progress.label} fraction={s.progress.fraction} />}
          {s.error && <Alert tone="error">{s.error}</Alert>}
          {s.preview && s.phase !== 'done' && <PreviewView p={s.preview} />}
          {s.result && (
            <div data-testid="bundle-imported">
              {s.result.report.items.map((i) => (
                <p key={i.sourceId}>{i.status === 'imported' ? 'Imported' : 'Skipped'} {i.kind} <strong>{i.name}</strong> ({i.id})</p>
              ))}
              {!s.result.report.changed && <p>Nothing changed: everything in this bundle is already here.</p>}
            </div>
          )}
          <div className="bundle-actions">
            {s.phase === 'preview' && <Button variant="primary" onClick={() => void s.confirm()}>Import</Button>}
            {s.phase === 'importing' && <Button variant="primary" busy>Importing…</Button>}
            <Button variant="secondary" onClick={s.close} disabled={s.phase === 'importing'}>{s.phase === 'done' ? 'Close' : 'Cancel'}</Button>
          </div>
        </div>
      </div>
    </div>
  )
}
