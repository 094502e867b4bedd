import { useEffect, useRef } from 'react'
import type { SpecError } from '../../../../../preload/contract'

/**
 * The YAML with line numbers; lines with a problem are highlighted and the problem is shown under
 * them, at the key. `focusLine` scrolls that line into view.
 */
export function CodeView({ text, errors, focusLine }: { text: string; errors: SpecError[]; focusLine: number | null }) {
  const ref = useRef<HTMLDivElement>(null)
  const byLine = new Map<number, SpecError[]>()
  for (const e of errors) if (e.line) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e])
  const lines = text.split('\n')

  useEffect(() => {
    if (!focusLine) return
    ref.current?.querySelector(`[data-line="${focusLine}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }, [focusLine])

  return (
    <div className="code-view mono" ref={ref} role="region" aria-label="YAML source" tabIndex={0}>
      {lines.map((line, i) => {
        const n = i + 1
        const errs = byLine.get(n)
        return (
          <div key={n} className={errs ? 'code-line has-error' : 'code-line'} data-line={n}>
            <span className="code-gutter" aria-hidden="true">{n}</span>
            <span className="code-text">{line || ' '}</span>
            {errs && errs.map((e, k) => (
              <div key={k} className="code-error" role="note" data-testid="spec-error-inline">
                <span className="code-error-key">{e.key ?? 'file'}</span> {e.message}
              </div>
            ))}
          </div>
        )
      })}
    </div>
  )
}
