import { useEffect } from 'react'
import { Alert, EmptyState, Icon } from '../../../shared/ui'
import { startRolloutsLiveUpdates, useRolloutsStore } from '../store'
import { RolloutList } from './RolloutList'
import { RolloutView } from './RolloutView'
import { SpecPanel } from './SpecPanel'
import './rollouts.css'

/** The Rollouts screen: open and check a YAML, start it, watch the grid, read and compare results. */
export function RolloutsScreen() {
  const detail = useRolloutsStore((s) => s.detail)
  const error = useRolloutsStore((s) => s.error)

  useEffect(() => {
    void useRolloutsStore.getState().load()
    return startRolloutsLiveUpdates()
  }, [])

  return (
    <div className="screen rollouts">
      <header className="screen-header">
        <div>
          <h1>Rollouts</h1>
          <p className="muted">Run every team × variant of a rollout YAML in parallel, judge the answers, compare the results.</p>
        </div>
      </header>
      {error && (
        <Alert tone="error" title="Rollout problem">
          {error.message} <span className="faint">({error.code})</span>
        </Alert>
      )}
      <div className="rollouts-grid">
        <div className="rollouts-side">
          <SpecPanel />
          <RolloutList />
        </div>
        <div className="rollouts-main">
          {detail ? <RolloutView detail={detail} /> : (
            <div className="card">
              <EmptyState icon={<Icon name="rollouts" size={26} />} title="No rollout selected">
                Pick <code>demo_rollout.yml</code> from the config folder (or drop your own YAML), check it and press <strong>Start rollout</strong>. The variants appear here and update live.
              </EmptyState>
            </div>
          )}
        </div>
      </div>
    </div>
  )
}
