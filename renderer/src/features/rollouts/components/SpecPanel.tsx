import { useRef, useState, type DragEvent } from 'react'
import { Alert, Badge, Button, Card } from '../../../shared/ui'
import { useRolloutsStore } from '../store'
import { CodeView } from './CodeView'

/** The spec as one line above the results: name, check state, size, parallel, start again, edit. */
export function SpecBar() {
  const spec = useRolloutsStore((s) => s.spec)
  const validation = useRolloutsStore((s) => s.validation)
  const starting = useRolloutsStore((s) => s.starting)
  const parallel = useRolloutsStore((s) => s.parallel)
  const { start, setParallel, setSpecOpen } = useRolloutsStore.getState()
  const errors = validation?.errors ?? []
  return (
    <section className="card spec-bar" aria-label="Rollout spec">
      {spec ? (
        <>
          <strong className="mono spec-bar-name" title={spec.name}>{spec.name}</strong>
          <Badge tone={validation ? (validation.ok ? 'good' : 'bad') : 'neutral'}>{validation ? (validation.ok ? 'valid' : `${errors.length} problem${errors.length === 1 ? '' : 's'}`) : 'not checked'}</Badge>
          {validation?.ok && <span className="muted nowrap">{validation.teams.length} team{validation.teams.length === 1 ? '' : 's'} · {validation.variants.length} variant{validation.variants.length === 1 ? '' : 's'}</span>}
        </>
      ) : <span className="muted">No spec open.</span>}
      <span className="spec-bar-actions">
        {spec && (
          <>
            <label className="inline-field">
              Parallel
              <input type="number" min={1} max={64} value={parallel} onChange={(e) => setParallel(Number(e.target.value))} aria-label="Variants at once" />
            </label>
            <Button variant="secondary" onClick={() => void start()} busy={starting} disabled={validation !== null && !validation.ok}>Run again</Button>
          </>
        )}
        <Button variant="ghost" onClick={() => setSpecOpen(true)} aria-expanded={false}>{spec ? 'Edit spec' : 'Open a spec'}</Button>
      </span>
    </section>
  )
}

/** Open a rollout YAML (config folder, file picker, drag-and-drop), check it, start it. */
export function SpecPanel() {
  const files = useRolloutsStore((s) => s.files)
  const spec = useRolloutsStore((s) => s.spec)
  const validation = useRolloutsStore((s) => s.validation)
  const validating = useRolloutsStore((s) => s.validating)
  const starting = useRolloutsStore((s) => s.starting)
  const parallel = useRolloutsStore((s) => s.parallel)
  const { open, edit, validate, start, setParallel } = useRolloutsStore.getState()
  const [dragging, setDragging] = useState(false)
  const [editing, setEditing] = useState(false)
  const [focusLine, setFocusLine] = useState<number | null>(null)
  const input = useRef<HTMLInputElement>(null)

  const readFile = async (file: File, source: 'file' | 'drop') => {
    if (!/\.ya?ml$/i.test(file.name)) {
      useRolloutsStore.setState({ error: { code: 'USER_INPUT', message: `${file.name} is not a rollout YAML: pick a .yml or .yaml file` } })
      return
    }
    await open({ name: file.name, text: await file.text(), source })
  }
  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    const file = e.dataTransfer.files[0]
    if (file) void readFile(file, 'drop')
  }
  const errors = validation?.errors ?? []
  const canCollapse = useRolloutsStore((s) => s.detail !== null)

  return (
    <Card title="Rollout spec" label="Rollout spec" className="spec-card" actions={<>
      {canCollapse && <Button variant="ghost" onClick={() => useRolloutsStore.getState().setSpecOpen(false)} aria-expanded>Collapse</Button>}
      {spec && <Badge tone={validation ? (validation.ok ? 'good' : 'bad') : 'neutral'}>{validation ? (validation.ok ? 'valid' : `${errors.length} problem${errors.length === 1 ? '' : 's'}`) : 'not checked'}</Badge>}
    </>}>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(e) => { e.preventDefault(); setDragging(true) }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="spec-dropzone"
      >
        <div className="spec-pick">
          <label className="field-label" htmlFor="spec-config">From the config folder</label>
          <select
            id="spec-config"
            value={spec?.source === 'config' ? spec.name : ''}
            onChange={(e) => {
              const f = files.find((x) => x.name === e.target.value)
              if (f) void open({ name: f.name, text: f.text, source: 'config' })
            }}
          >
            <option value="">Choose a rollout YAML…</option>
            {files.map((f) => <option key={f.path} value={f.name}>{f.name}</option>)}
          </select>
          <span className="faint">or</span>
          <Button variant="secondary" onClick={() => input.current?.click()}>Open file…</Button>
          <input ref={input} type="file" accept=".yml,.yaml" hidden data-testid="spec-file-input" onChange={(e) => { const f = e.target.files?.[0]; if (f) void readFile(f, 'file'); e.target.value = '' }} />
          <span className="faint drop-hint">or drop a .yml file here</span>
        </div>

        {spec ? (
          <>
            <div className="spec-head">
              <strong className="mono">{spec.name}</strong>
              <Button variant="ghost" onClick={() => setEditing((x) => !x)}>{editing ? 'Done editing' : 'Edit'}</Button>
            </div>
            {editing
              ? <textarea className="code-edit mono" aria-label="Edit YAML" value={spec.text} spellCheck={false} onChange={(e) => edit(e.target.value)} rows={Math.min(30, spec.text.split('\n').length + 2)} />
              : <CodeView text={spec.text} errors={errors} focusLine={focusLine} />}
            {validation && !validation.ok && (
              <Alert tone="error" title={`${spec.name} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} and check again`}>
                <ul className="spec-errors" data-testid="spec-errors">
                  {errors.map((e, i) => (
                    <li key={i}>
                      <button type="button" className="link-button" onClick={() => { setEditing(false); setFocusLine(e.line) }}>
                        {e.line ? `line ${e.line}` : 'file'}{e.key ? ` · ${e.key}` : ''}{e.team ? ` · team ${e.team}` : ''}{e.variant ? ` · variant ${e.variant}` : ''}
                      </button>
                      <div>{e.message}</div>
                    </li>
                  ))}
                </ul>
              </Alert>
            )}
            {validation?.warnings?.length ? (
              <Alert tone="info" title={`${validation.warnings.length} warning${validation.warnings.length === 1 ? '' : 's'} (the rollout still runs)`}>
                <ul className="spec-errors" data-testid="spec-warnings">{validation.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
              </Alert>
            ) : null}
            {validation?.ok && (
              <p className="muted">{validation.teams.length} team{validation.teams.length === 1 ? '' : 's'}, {validation.variants.length} variant{validation.variants.length === 1 ? '' : 's'}: {validation.teams.join(', ')}</p>
            )}
            <div className="spec-actions">
              <label className="inline-field">
                Parallel
                <input type="number" min={1} max={64} value={parallel} onChange={(e) => setParallel(Number(e.target.value))} aria-label="Variants at once" />
              </label>
              <Button variant="secondary" onClick={() => void validate()} busy={validating}>Check</Button>
              <Button variant="primary" onClick={() => void start()} busy={starting} disabled={validation !== null && !validation.ok}>Start rollout</Button>
            </div>
          </>
        ) : (
          <p className="muted empty-spec">Pick a YAML from the config folder, open one, or drop it here. It is checked before anything runs: every problem is shown at its line and key.</p>
        )}
      </div>
    </Card>
  )
}
