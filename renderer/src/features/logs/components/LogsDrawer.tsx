import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Icon, JsonView } from '../../../shared/ui'
import { filterLines, LEVELS, linesAsText, SOURCES } from '../filter'
import { useLogsStore } from '../store'
import type { LogLevelName, LogSourceName } from '../types'
import { LogsList } from './LogsList'
import './logs.css'

const POLL_MS = 1000

/** Copies text; falls back to a hidden text area where the Clipboard API is refused. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    document.body.appendChild(area)
    area.select()
    document.execCommand('copy')
    area.remove()
  }
}

/** The top-bar button that opens and closes the Logs drawer. */
export function LogsButton() {
  const open = useLogsStore((s) => s.open)
  const setOpen = useLogsStore((s) => s.setOpen)
  return (
    <button type="button" className={`btn btn-ghost icon-btn ${open ? 'logs-button-on' : ''}`} onClick={() => setOpen(!open)} aria-label="Logs" aria-pressed={open} title="Logs: the host's log files" data-testid="logs-button">
      <Icon name="logs" />
    </button>
  )
}

/**
 * The Logs drawer at the bottom of the window: the host's log files (app, workers, Canton) as they
 * grow, read every second; filters by level, source and text, follows the newest line, copies.
 */
export function LogsDrawer() {
  const open = useLogsStore((s) => s.open)
  const lines = useLogsStore((s) => s.lines)
  const filters = useLogsStore((s) => s.filters)
  const follow = useLogsStore((s) => s.follow)
  const dir = useLogsStore((s) => s.dir)
  const error = useLogsStore((s) => s.error)
  const { setOpen, setFilters, setFollow, poll, clear } = useLogsStore.getState()
  const [selected, setSelected] = useState<number | null>(null)
  const [copied, setCopied] = useState(false)
  const shown = useMemo(() => filterLines(lines, filters), [lines, filters])

  useEffect(() => {
    if (!open) return
    void poll()
    const timer = setInterval(() => void poll(), POLL_MS)
    return () => clearInterval(timer)
  }, [open, poll])

  useEffect(() => setSelected(null), [filters])

  if (!open) return null
  const toggleSource = (s: LogSourceName) =>
    setFilters({ sources: filters.sources.includes(s) ? filters.sources.filter((x) => x !== s) : [...filters.sources, s] })
  const picked = selected !== null ? shown[selected] : undefined
  const copy = async () => {
    await copyText(picked ? linesAsText([picked]) : linesAsText(shown))
    setCopied(true)
    setTimeout(() => setCopied(false), 1500)
  }

  return (
    <section className="logs-drawer" aria-label="Logs" data-testid="logs-drawer">
      <div className="logs-toolbar">
        <strong className="logs-title">Logs</strong>
        <label className="logs-control">
          <span className="faint">Level</span>
          <select value={filters.level} onChange={(e) => setFilters({ level: e.target.value as LogLevelName })} aria-label="Lowest level shown">
            {LEVELS.map((l) => <option key={l} value={l}>{l} and above</option>)}
          </select>
        </label>
        <div className="logs-sources" role="group" aria-label="Sources">
          {SOURCES.map((s) => (
            <label key={s} className="logs-control">
              <input type="checkbox" checked={filters.sources.includes(s)} onChange={() => toggleSource(s)} />
              <span>{s}</span>
            </label>
          ))}
        </div>
        <input className="logs-search" type="search" placeholder="Search messages and fields" value={filters.search} onChange={(e) => setFilters({ search: e.target.value })} aria-label="Search the logs" />
        <label className="logs-control" title="Keep the newest line in view">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          <span>Follow</span>
        </label>
        <span className="faint logs-count" data-testid="logs-count">{shown.length} of {lines.length}</span>
        <Button variant="ghost" onClick={() => void copy()} title={picked ? 'Copy the selected line' : 'Copy the lines shown'}>{copied ? 'Copied' : picked ? 'Copy line' : 'Copy'}</Button>
        <Button variant="ghost" onClick={() => { clear(); setSelected(null) }} title="Clear the view (the files keep every line)">Clear</Button>
        <button type="button" className="btn btn-ghost icon-btn" onClick={() => setOpen(false)} aria-label="Close the logs"><Icon name="close" /></button>
      </div>
      {error && <Alert tone="error" title="Could not read the logs">{error.message}</Alert>}
      {shown.length === 0 && !error
        ? <div className="logs-empty faint">{lines.length ? 'No line matches the filters.' : `No log lines yet${dir ? ` in ${dir}` : ''}.`}</div>
        : <LogsList lines={shown} follow={follow} selected={selected} onSelect={setSelected} onScrollUp={() => setFollow(false)} />}
      {picked && (
        <div className="logs-detail" data-testid="logs-detail">
          <div className="logs-detail-msg">{picked.msg}</div>
          {Object.keys(picked.fields).length > 0 && <JsonView value={picked.fields} openDepth={3} />}
        </div>
      )}
      {dir && <div className="logs-foot faint">Files: {dir}</div>}
    </section>
  )
}
