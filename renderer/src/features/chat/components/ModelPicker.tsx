import type { ChatModelInfo } from '../../../../../preload/contract'

/**
 * The model that answers, as a picker in the header (like Jan): changing it overrides the model
 * of this conversation's agent; "agent default" removes the override. When the newest answer came
 * from the offline scripted model the picker says so.
 */
export function ModelPicker({ info, disabled, onPick }: { info: ChatModelInfo; disabled: boolean; onPick: (model: string | null) => void }) {
  if (!info.configured) return null
  return (
    <label className="model-pick" title={info.offline ? `No model is reachable, so the offline scripted model stands in for ${info.configured}` : `Answers come from ${info.configured}`}>
      <select aria-label="Model" value={info.overridden ? info.configured : ''} disabled={disabled} onChange={(e) => onPick(e.target.value || null)}>
        <option value="">{info.overridden ? 'agent default' : info.configured}</option>
        {info.choices.filter((c) => info.overridden || c !== info.configured).map((c) => (
          <option key={c} value={c}>{c}</option>
        ))}
      </select>
    </label>
  )
}
