import type { Branch } from '../../../../../preload/contract'

interface Node {
  branch: Branch
  depth: number
}

/** Branches depth first under their parents (children by creation time), main first. */
export function branchOrder(branches: readonly Branch[]): Node[] {
  const known = new Set(branches.map((b) => b.branch))
  const kids = new Map<string | null, Branch[]>()
  for (const b of branches) {
    const key = b.parent && known.has(b.parent) ? b.parent : null
    kids.set(key, [...(kids.get(key) ?? []), b])
  }
  for (const list of kids.values()) list.sort((a, b) => (a.branch === 'main' ? -1 : b.branch === 'main' ? 1 : a.createdAt - b.createdAt))
  const out: Node[] = []
  const walk = (parent: string | null, depth: number) => {
    for (const b of kids.get(parent) ?? []) {
      out.push({ branch: b, depth })
      walk(b.branch, depth + 1)
    }
  }
  walk(null, 0)
  return out
}

/** What a node says: the branch's own first question, else the message it forked at. */
export const branchLabel = (b: Branch): string => b.firstText ?? (b.forkText ? `after: ${b.forkText}` : b.branch === 'main' ? 'main' : `fork of ${b.parent}`)

/**
 * The branch tree beside the thread (LangGraph Studio style): every fork of the open agent with
 * the message it starts with; a click checks a branch out. Collapsible.
 */
export function BranchRail({ branches, current, open, busy, onToggle, onCheckout }: {
  branches: Branch[]
  current: string | null
  open: boolean
  busy: boolean
  onToggle: () => void
  onCheckout: (branch: string) => void
}) {
  const nodes = branchOrder(branches)
  return (
    <aside className={`branch-rail ${open ? 'rail-open' : 'rail-closed'}`} aria-label="Branches of this conversation">
      <button type="button" className="rail-toggle" aria-expanded={open} onClick={onToggle} title={open ? 'Hide the branch tree' : 'Show the branch tree'}>
        <span aria-hidden="true">{open ? '»' : '«'}</span>
        <span className={open ? '' : 'rail-vertical'}>Branches · {branches.length}</span>
      </button>
      {open && (
        <ul className="rail-list" role="tree" aria-label="Branch tree">
          {nodes.map(({ branch: b, depth }) => (
            <li key={b.branch} role="none" style={{ paddingLeft: depth * 12 }}>
              <button
                type="button"
                role="treeitem"
                aria-selected={b.branch === current}
                aria-label={`Branch ${b.branch}${b.branch === current ? ', checked out' : ''}: ${branchLabel(b)}`}
                className={`rail-node ${b.branch === current ? 'rail-current' : ''}`}
                disabled={busy && b.branch !== current}
                onClick={() => b.branch !== current && onCheckout(b.branch)}
                title={b.forkText ? `Forked from ${b.parent} after #${b.forkIndex}: ${b.forkText}` : undefined}
              >
                <span className="rail-text">{depth > 0 && <span className="rail-elbow" aria-hidden="true">└ </span>}{branchLabel(b)}</span>
                <span className="rail-sub faint mono">{b.branch} · {b.length}{b.parent ? ` · @${b.forkIndex}` : ''}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  )
}
