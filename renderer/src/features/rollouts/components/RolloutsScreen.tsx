import { useEffect } from 'react'
import { Alert } from '../../../shared/ui'
import { startRolloutsLiveUpdates, useRolloutsStore } from '../store'
import { RolloutList } from './RolloutList'
import { RolloutView } from './RolloutView'
import { SpecBar, SpecPanel } from './SpecPanel'
import { SpecPreview } from './SpecPreview'
import './rollouts.css'

/**
 * The Rollouts screen. Before a run: the spec beside the recent rollouts and what the spec will
 * run. Once a rollout is shown: the spec folds into a one-line bar and the results take the width.
 */
export function RolloutsScreen() {
  const detail = useRolloutsStore((s) => s.detail)
  const specOpen = useRolloutsStore((s) => s.specOpen)
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
      {!detail ? (
        <div className="rollouts-setup">
          <SpecPanel />
          <div className="rollouts-side">
            <RolloutList />
            <SpecPreview />
          </div>
        </div>
      ) : (
        <>
          {specOpen ? <SpecPanel /> : <SpecBar />}
          <div className="rollouts-results">
            <RolloutList />
            <RolloutView detail={detail} />
          </div>
        </>
      )}
    </div>
  )
}
