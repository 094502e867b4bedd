import { Badge, Card } from '../../../shared/ui'
import { rolloutStateLabel } from '../labels'
import { useRolloutsStore } from '../store'

/** Recent rollouts, newest first, by readable name; a click shows one. */
export function RolloutList() {
  const rollouts = useRolloutsStore((s) => s.rollouts)
  const selected = useRolloutsStore((s) => s.selected)
  return (
    <Card title="Recent rollouts" label="Recent rollouts" className="rollout-list-card">
      {rollouts.length === 0 ? <p className="muted">None yet. Start one from a spec.</p> : (
        <ul className="rollout-list">
          {rollouts.map((r) => { const state = rolloutStateLabel(r); return (
            <li key={r.id}>
              <button type="button" className={r.id === selected ? 'rollout-item active' : 'rollout-item'} onClick={() => void useRolloutsStore.getState().select(r.id)} aria-current={r.id === selected || undefined} title={`${r.name}\n${r.id}\n${r.specFile}`}>
                <span className="rollout-item-name">{r.name}</span>
                <span className="rollout-item-foot">
                  <Badge tone={state.tone}>{state.text}</Badge>
                  <span className="faint">{r.counts.done}/{r.total}{r.counts.failed ? ` · ${r.counts.failed} failed` : ''}</span>
                  <span className="mono faint rollout-item-id">{r.id}</span>
                </span>
              </button>
            </li>
          ) })}
        </ul>
      )}
    </Card>
  )
}
