import type { KeyboardEvent } from 'react'
import type { Branch } from '../../../../../preload/contract'
import { layoutTree } from '../layout'

const ROW = 62
const INDENT = 36
const NODE_W = 320
const NODE_H = 46

const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s)

/** What a node says: the branch's own first question, else the message it forked after. */
export const nodeText = (b: Branch): string => b.firstText ?? (b.forkText ? `after “${b.forkText}”` : b.branch === 'main' ? '(no messages yet)' : `fork of ${b.parent}`)

/** The branch tree as SVG: each node is a focusable button (Enter/Space selects, arrows move). */
export function BranchTree({ branches, focused, onFocus }: { branches: Branch[]; focused: string | null; onFocus: (branch: string) => void }) {
  const placed = layoutTree(branches)
  const width = Math.max(...placed.map((p) => p.depth * INDENT + NODE_W + 24), 320)
  const height = placed.length * ROW + 12
  const onKey = (e: KeyboardEvent<SVGGElement>, i: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      onFocus(placed[i]!.branch.branch)
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const next = placed[(i + (e.key === 'ArrowDown' ? 1 : placed.length - 1)) % placed.length]!
      ;(e.currentTarget.ownerSVGElement?.querySelector(`[data-branch="${next.branch.branch}"]`) as SVGGElement | null)?.focus()
    }
  }
  return (
    <svg className="branch-tree" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="tree" aria-label="Branch tree">
      {placed.map((p) => {
        if (p.parentRow === null) return null
        const parent = placed[p.parentRow]!
        const x1 = parent.depth * INDENT + 18
        const y1 = parent.row * ROW + 6 + NODE_H
        const x2 = p.depth * INDENT + 4
        const y2 = p.row * ROW + 6 + NODE_H / 2
        return <path key={`e-${p.branch.branch}`} className="tree-edge" d={`M${x1},${y1} V${y2 - 8} Q${x1},${y2} ${x1 + 8},${y2} H${x2}`} />
      })}
      {placed.map((p, i) => {
        const b = p.branch
        const x = p.depth * INDENT + 4
        const y = p.row * ROW + 6
        return (
          <g
            key={b.branch}
            data-branch={b.branch}
            transform={`translate(${x},${y})`}
            className={`tree-node ${b.current ? 'tree-current' : ''} ${focused === b.branch ? 'tree-focused' : ''}`}
            role="treeitem"
            aria-selected={focused === b.branch}
            aria-label={`Branch ${b.branch}${b.current ? ', checked out' : ''}, ${b.length} entries: ${nodeText(b)}`}
            tabIndex={focused === b.branch || (!focused && i === 0) ? 0 : -1}
            onClick={() => onFocus(b.branch)}
            onKeyDown={(e) => onKey(e, i)}
          >
            <rect width={NODE_W} height={NODE_H} rx={9} />
            <circle cx={16} cy={NODE_H / 2} r={5} className="tree-dot" />
            <title>{b.forkText ? `Forked from ${b.parent} after entry ${b.forkIndex}: ${b.forkText}` : nodeText(b)}</title>
            <text x={30} y={19} className="tree-text">{cut(nodeText(b), 40)}</text>
            <text x={30} y={36} className="tree-sub"><tspan className="tree-label">{b.branch}</tspan>{b.current ? ' ✓' : ''} · {b.length} entries{b.parent ? ` · ${b.parent} @${b.forkIndex}` : ''}</text>
          </g>
        )
      })}
    </svg>
  )
}
