import { useHostStore } from '../shared/host'
import { navigate } from './useRoute'

/**
 * Which model answers, always in view: "offline scripted model · Configure" without a key or local
 * server (Configure opens Settings), else the configured model id. The reason is in the tooltip.
 */
export function ModelPill() {
  const model = useHostStore((s) => s.model)
  if (!model) return null
  const title = `${model.offline ? `Replies come from the built-in offline scripted model: ${model.reason}.` : `Default model ${model.model}: ${model.reason}.`}${model.restartRequired ? ' Saved settings apply after a restart.' : ''}`
  return (
    <div className={`model-pill ${model.offline ? 'model-offline' : 'model-online'}`} data-testid="model-pill" title={title}>
      <span className="badge-dot" aria-hidden="true" />
      <span className="model-name">{model.offline ? 'offline scripted model' : model.model}</span>
      {model.restartRequired && <span className="model-restart">· restart to apply</span>}
      <span className="model-sep" aria-hidden="true">·</span>
      <a href="#/settings" onClick={(e) => { e.preventDefault(); navigate('settings') }}>{model.offline ? 'Configure' : 'Settings'}</a>
    </div>
  )
}
