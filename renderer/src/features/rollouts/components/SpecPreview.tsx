import { EmptyState, Icon } from '../../../shared/ui'
import { useRolloutsStore } from '../store'

/** Right of the spec before anything ran: what the checked spec will run, or what to do next. */
export function SpecPreview() {
  const spec = useRolloutsStore((s) => s.spec)
  const validation = useRolloutsStore((s) => s.validation)
  const validating = useRolloutsStore((s) => s.validating)
  if (!spec) {
    return (
      <div className="card">
        <EmptyState icon={<Icon name="rollouts" size={26} />} title="No rollout selected">
          Pick <code>demo_rollout.yml</code> from the config folder (or drop your own YAML), check it and press <strong>Start rollout</strong>. The variants appear here and update live.
        </EmptyState>
      </div>
    )
  }
  if (!validation) {
    return <div className="card"><EmptyState icon={<Icon name="rollouts" size={26} />} title={validating ? `Checking ${spec.name}…` : `${spec.name} is not checked yet`}>Press <strong>Check</strong> to see its teams and variants.</EmptyState></div>
  }
  if (!validation.ok) {
    return (
      <div className="card">
        <EmptyState icon={<Icon name="rollouts" size={26} />} title={`Fix ${spec.name} to run it`}>
          {validation.errors.length} problem{validation.errors.length === 1 ? '' : 's'} {validation.errors.length === 1 ? 'is' : 'are'} marked in the spec at {validation.errors.length === 1 ? 'its' : 'their'} line and key. Edit the YAML (or fix the file and open it again), then press <strong>Check</strong>.
        </EmptyState>
      </div>
    )
  }
  const byTeam = new Map<string, { agents: Set<string>; count: number }>()
  for (const v of validation.variants) {
    const t = byTeam.get(v.team) ?? { agents: new Set<string>(), count: 0 }
    t.agents.add(v.agentId)
    t.count++
    byTeam.set(v.team, t)
  }
  return (
    <section className="card spec-preview" aria-label="Ready to run">
      <header className="card-header"><h2 className="card-title">Ready to run</h2></header>
      <div className="card-body">
        <p className="muted">
          <span className="mono">{spec.name}</span> runs {validation.variants.length} variant{validation.variants.length === 1 ? '' : 's'} in {validation.teams.length} team{validation.teams.length === 1 ? '' : 's'}. Press <strong>Start rollout</strong>: every variant gets a cell here that updates live (queued → starting → running → judging → done), and a click on it shows its answer.
        </p>
        <div className="table-scroll">
          <table className="table">
            <thead><tr><th>Team</th><th className="num">Variants</th><th>Agents</th></tr></thead>
            <tbody>
              {[...byTeam].map(([team, t]) => (
                <tr key={team}><td className="mono">{team}</td><td className="num">{t.count}</td><td className="mono">{[...t.agents].join(', ')}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  )
}
