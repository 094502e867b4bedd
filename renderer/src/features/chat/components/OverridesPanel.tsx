import { useEffect, useState } from 'react'
import { Alert, Badge, Button, Field } from '../../../shared/ui'
import { useChatStore } from '../store'

/** Per-conversation model, persona and tools of the root agent; empty fields fall back to the agent's config. */
export function OverridesPanel() {
  const view = useChatStore((s) => s.overrides)
  const save = useChatStore((s) => s.saveOverrides)
  const [model, setModel] = useState('')
  const [persona, setPersona] = useState('')
  const [tools, setTools] = useState<string[] | null>(null)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    setModel(view?.values.model ?? '')
    setPersona(view?.values.behavior_template ?? '')
    setTools(view?.values.tools ?? null)
    setSaved(false)
  }, [view])

  if (!view) return null
  const effectiveTools = tools ?? view.defaults.tools
  const toggle = (t: string) => setTools(effectiveTools.includes(t) ? effectiveTools.filter((x) => x !== t) : [...effectiveTools, t])
  const submit = async (lock?: boolean) => {
    const ok = await save({ model: model.trim() || null, behavior_template: persona || null, tools }, lock)
    setSaved(ok)
  }
  return (
    <form className="overrides" aria-label="Overrides" onSubmit={(e) => { e.preventDefault(); void submit() }}>
      <div className="overrides-head">
        <strong>Overrides for {view.agentId}</strong>
        {view.locked && <Badge tone="warn">locked</Badge>}
      </div>
      <Field label="Model" hint={`Default ${view.defaults.model ?? '—'}. E.g. local/scripted, ollama/llama3.`}>
        <input value={model} placeholder={view.defaults.model ?? ''} onChange={(e) => setModel(e.target.value)} disabled={view.locked} />
      </Field>
      <Field label="Persona">
        <select value={persona} onChange={(e) => setPersona(e.target.value)} disabled={view.locked}>
          <option value="">{view.defaults.persona ? `Default (${view.defaults.persona})` : 'None'}</option>
          {view.available.personas.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </Field>
      <fieldset className="tools-set" disabled={view.locked}>
        <legend className="field-label">Tools</legend>
        {view.available.tools.map((t) => (
          <label key={t} className="check">
            <input type="checkbox" checked={effectiveTools.includes(t)} onChange={() => toggle(t)} /> {t}
          </label>
        ))}
      </fieldset>
      <div className="overrides-actions">
        <Button type="submit" variant="primary" disabled={view.locked}>Save overrides</Button>
        <Button type="button" variant="ghost" disabled={view.locked} onClick={() => void submit(true)} title="Save and refuse later changes">Save and lock</Button>
      </div>
      {saved && <Alert tone="success">Saved. The next answer uses these settings.</Alert>}
    </form>
  )
}
