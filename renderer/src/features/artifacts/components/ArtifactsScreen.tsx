import { ExportBundleButton } from '../../bundles'
import { useEffect, useMemo } from 'react'
import { Alert, Button, Card, EmptyState, Field, Icon, JsonView, Spinner } from '../../../shared/ui'
import { useEscape } from '../../../shared/useEscape'
import { filterRows } from '../filter'
import { useArtifactsStore } from '../store'
import { ArtifactTable } from './ArtifactTable'
import { DiffView } from './DiffView'
import './artifacts.css'

/** "rollout:ro_x:team:variant" and other long ids: the name when known, else the id. */
const label = (names: Record<string, string>, id: string): string => names[id] ?? id

/** The Artifacts screen: filter, browse (virtualised), view JSON, diff two. */
export function ArtifactsScreen() {
  const s = useArtifactsStore()
  useEffect(() => {
    void useArtifactsStore.getState().load()
  }, [])
  const rows = useMemo(() => filterRows(s.rows, s.filters.text, s.names), [s.rows, s.filters.text, s.names])
  // Esc closes the diff first, then the open artifact.
  useEscape(s.diff !== null, s.closeDiff)
  useEscape(s.diff === null && s.openRef !== null, s.close)
  // Types that occur, with counts; a chosen type that no longer occurs stays listed (with 0).
  const typeOptions = s.filters.type && !s.types.some((t) => t.type === s.filters.type) ? [...s.types, { type: s.filters.type, count: 0 }] : s.types
  const sessionOptions = useMemo(() => [...s.sessions].sort((a, b) => label(s.names, a).localeCompare(label(s.names, b))), [s.sessions, s.names])

  return (
    <div className="screen artifacts">
      <header className="screen-header">
        <div>
          <h1>Artifacts</h1>
          <p className="muted">Every stored step: states, tool results, ledger events and evaluations.</p>
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={() => void s.load()} busy={s.loading}>Refresh</Button>
        </div>
      </header>
      <form className="art-filters" aria-label="Filter artifacts" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search"><input type="search" placeholder="conversation, agent, kind, tag, ref…" value={s.filters.text} onChange={(e) => s.setFilter('text', e.target.value)} /></Field>
        <Field label="Conversation">
          <select value={s.filters.sessionId} onChange={(e) => s.setFilter('sessionId', e.target.value)}>
            <option value="">All</option>
            {sessionOptions.map((x) => <option key={x} value={x} title={x}>{label(s.names, x)}</option>)}
          </select>
        </Field>
        <Field label="Type">
          <select value={s.filters.type} onChange={(e) => s.setFilter('type', e.target.value)}>
            <option value="">All types ({s.types.reduce((n, t) => n + t.count, 0).toLocaleString()})</option>
            {typeOptions.map((t) => <option key={t.type} value={t.type}>{t.type} ({t.count.toLocaleString()})</option>)}
          </select>
        </Field>
        <Field label="Tag"><input value={s.filters.tag} placeholder="e.g. golden" onChange={(e) => s.setFilter('tag', e.target.value)} /></Field>
      </form>
      {s.error && <Alert tone="error" title="Could not read artifacts">{s.error.message} <span className="faint">({s.error.code})</span></Alert>}
      {s.truncated && <Alert tone="info">Showing the newest {s.limit.toLocaleString()} matches{s.limit < 10_000 ? ' (the search box looks only at these)' : ''}. Pick a conversation, type or tag to see older ones.</Alert>}
      {!s.loaded ? (
        <div className="center-pad"><Spinner label="Loading artifacts" /></div>
      ) : s.rows.length === 0 && !s.error ? (
        <div className="card">
          <EmptyState icon={<Icon name="artifacts" size={26} />} title="No artifacts match">
            {s.filters.sessionId || s.filters.type || s.filters.tag ? 'Clear a filter to see more.' : 'Chat with an agent (press 1): every message, tool call and payment is recorded here.'}
          </EmptyState>
        </div>
      ) : (
        <div className="art-grid">
          <Card title={`${rows.length.toLocaleString()} artifacts`} label="Artifact list" actions={
            <>
              <Button disabled={s.picked.length !== 2} onClick={() => void s.runDiff()} title="Tick two rows (or Space on the open row)">Diff {s.picked.length}/2</Button>
              <ExportBundleButton
                selection={{ artifacts: s.picked.length ? s.picked : s.openRef ? [s.openRef] : [] }}
                disabled={!s.picked.length && !s.openRef}
                label={`Export bundle (${s.picked.length || (s.openRef ? 1 : 0)})`}
              />
            </>
          }>
            {rows.length === 0 ? <p className="muted">No artifact matches “{s.filters.text}”. Clear the search box.</p> : (
              <ArtifactTable rows={rows} names={s.names} openRef={s.openRef} picked={s.picked} onOpen={(r) => void s.open(r)} onPick={s.pick} />
            )}
          </Card>
          <Card title="Viewer" label="Artifact viewer" actions={s.openRef && !s.diff ? <Button variant="ghost" onClick={s.close} title="Close (Esc)">Close</Button> : undefined}>
            {s.diff ? (
              <>
                <div className="diff-head"><span className="mono">…{s.diff.left.slice(-8)} → …{s.diff.right.slice(-8)}</span><Button variant="ghost" onClick={s.closeDiff} title="Close (Esc)">Close diff</Button></div>
                <DiffView text={s.diff.text} />
              </>
            ) : !s.openRef ? (
              <p className="muted">Select a row to see its header and payload. Tick two rows to diff them.</p>
            ) : !s.detail ? (
              <Spinner label="Loading artifact" />
            ) : (
              <>
                <h3 className="viewer-title">Payload</h3>
                <JsonView value={s.detail.payload} openDepth={3} label="Payload" />
                <h3 className="viewer-title">Header</h3>
                <JsonView value={s.detail.header} openDepth={1} label="Header" />
              </>
            )}
          </Card>
        </div>
      )}
    </div>
  )
}
