import { useId, type ReactElement, cloneElement } from 'react'

/** A labelled form control with an optional hint and an inline error tied by aria-describedby. */
export function Field({ label, hint, error, children }: { label: string; hint?: string; error?: string; children: ReactElement<Record<string, unknown>> }) {
  const id = useId()
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id} className="field-label">{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && !error && <div id={`${id}-hint`} className="field-hint">{hint}</div>}
      {error && <div id={`${id}-error`} className="field-error">{error}</div>}
    </div>
  )
}
