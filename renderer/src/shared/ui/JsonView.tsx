import type { ReactNode } from 'react'

const MAX_CHILDREN = 500

function Leaf({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>
  if (typeof value === 'string') return <span className="json-string">"{value}"</span>
  if (typeof value === 'number') return <span className="json-number">{value}</span>
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>
  return <span className="json-null">{String(value)}</span>
}

function Node({ name, value, depth, openDepth }: { name: ReactNode; value: unknown; depth: number; openDepth: number }) {
  const label = name === null ? null : <span className="json-key">{name}: </span>
  if (value === null || typeof value !== 'object') {
    return <div className="json-row">{label}<Leaf value={value} /></div>
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>)
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  if (entries.length === 0) return <div className="json-row">{label}<span className="json-punct">{open}{close}</span></div>
  return (
    <details className="json-node" open={depth < openDepth}>
      <summary>{label}<span className="json-punct">{open}</span><span className="json-count faint"> {entries.length} {Array.isArray(value) ? 'items' : 'keys'} </span><span className="json-punct">{close}</span></summary>
      <div className="json-children">
        {entries.slice(0, MAX_CHILDREN).map(([k, v]) => <Node key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />)}
        {entries.length > MAX_CHILDREN && <div className="faint">… {entries.length - MAX_CHILDREN} more</div>}
      </div>
    </details>
  )
}

/** A collapsible JSON tree (native details/summary: keyboard and screen-reader friendly). */
export function JsonView({ value, openDepth = 2, label }: { value: unknown; openDepth?: number; label?: string }) {
  return (
    <div className="json-view mono" aria-label={label} role="group">
      <Node name={null} value={value} depth={0} openDepth={openDepth} />
    </div>
  )
}
