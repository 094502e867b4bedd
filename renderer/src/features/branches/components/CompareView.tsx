import type { BranchCompare } from '../../../../../preload/contract'
import { groupThread, ThreadRow } from '../../chat'
import { Badge, Button } from '../../../shared/ui'

/** Two branches side by side from where they part; shared entries are folded. */
export function CompareView({ data, onClose }: { data: BranchCompare; onClose: () => void }) {
  const side = (s: BranchCompare['left']) => {
    const own = s.messages.filter((m) => m.index >= data.commonPrefix)
    return (
      <section className="compare-side" aria-label={`Branch ${s.branch}`}>
        <header className="compare-head">
          <strong>{s.branch}</strong>
          <span className="faint">{own.length} own messages</span>
          {/* Slot for evaluation scores of a branch. */}
          <Badge tone={s.score === null ? 'neutral' : 'info'} title="Eval score of this branch">{s.score === null ? 'no score yet' : `score ${s.score}`}</Badge>
        </header>
        <div className="compare-list">
          {own.length === 0 ? <p className="faint">Nothing after the shared part.</p> : groupThread(own).map((item) => <ThreadRow key={item.key} item={item} agentId={data.agentId} />)}
        </div>
      </section>
    )
  }
  return (
    <div className="compare" role="region" aria-label="Compare branches">
      <div className="compare-bar">
        <span>Both share the first <strong>{data.commonPrefix}</strong> entries; below is what differs.</span>
        <Button variant="ghost" onClick={onClose}>Close comparison</Button>
      </div>
      <div className="compare-grid">
        {side(data.left)}
        {side(data.right)}
      </div>
    </div>
  )
}
