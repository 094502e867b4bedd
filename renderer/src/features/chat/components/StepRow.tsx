import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { Badge } from '../../../shared/ui'
import { stepTitle, type Step, type ThreadItem } from '../turns'
import { CopyButton } from './CopyButton'

const pretty = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? String(v))

const brief = (v: unknown): string => {
  if (v === undefined) return ''
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? ''
  return s.length > 80 ? `${s.slice(0, 79)}…` : s
}

function StatusBadge({ step, stuck }: { step: Step; stuck: boolean }) {
  if (step.status === 'ok') return <Badge tone="good">done</Badge>
  if (step.status === 'error') return <Badge tone="bad">{step.result?.tool?.error === 'cancelled by the user' ? 'cancelled' : 'error'}</Badge>
  return <Badge tone={stuck ? 'warn' : 'info'}>{stuck ? 'not finished' : 'running…'}</Badge>
}

/**
 * One tool call or delegation of a turn as one collapsible line ("Used get_weather ▸"); open, it
 * shows the arguments and result pretty-printed, and a delegation's child steps nested.
 */
export function StepRow({ step, stuck = false, renderChild }: { step: Step; stuck?: boolean; renderChild: (item: ThreadItem) => ReactNode }) {
  const [open, setOpen] = useState(false)
  const head = useRef<HTMLButtonElement>(null)
  // Esc closes the innermost open step (a nested child step first) and leaves focus on its line.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !open || e.defaultPrevented) return
    e.preventDefault()
    setOpen(false)
    head.current?.focus()
  }
  const title = stepTitle(step)
  const args = step.call?.tool?.args
  const error = step.result?.tool?.error
  const result = step.result?.tool?.status === 'ok' ? step.result.tool.result : undefined
  const d = step.delegation?.delegation
  return (
    <div className={`step step-${step.status}`} data-testid="message" data-kind="step" data-step={step.name} onKeyDown={onKey}>
      <button ref={head} type="button" className="step-head" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`${title}, ${step.status === 'running' ? 'not finished' : step.status}`}>
        <span className="step-caret" aria-hidden="true">{open ? '▾' : '▸'}</span>
        <span className="step-title">{title}</span>
        <span className="step-brief faint mono">{d ? brief(d.message) : brief(args)}</span>
        <StatusBadge step={step} stuck={stuck} />
        {step.payment && (
          <Badge tone={step.payment.ok === false ? 'bad' : step.payment.ok ? 'good' : 'warn'} title="Payment on the ledger">
            pays {step.payment.amount} → {step.payment.to}{step.payment.ok === null ? ' (pending)' : step.payment.ok ? '' : ' (failed)'}
          </Badge>
        )}
      </button>
      {open && (
        <div className="step-body" role="group" aria-label={`${title} details`}>
          {d ? (
            <>
              <div className="step-label">Asked {d.agentId}</div>
              <div className="step-pre">{d.message}</div>
              {step.children.length > 0 && (
                <div className="step-children" aria-label={`Steps of ${d.agentId}`}>
                  {step.children.map((c) => <div key={c.key}>{renderChild(c)}</div>)}
                </div>
              )}
            </>
          ) : (
            args !== undefined && (
              <>
                <div className="step-label">Arguments</div>
                <pre className="step-pre mono">{pretty(args)}</pre>
              </>
            )
          )}
          {error !== undefined && <><div className="step-label">Error</div><pre className="step-pre mono step-error">{error}</pre></>}
          {result !== undefined && !d && (
            <>
              <div className="step-label">Result <CopyButton text={pretty(result)} label={`Copy the result of ${step.name}`} /></div>
              <pre className="step-pre mono">{pretty(result)}</pre>
            </>
          )}
          <div className="step-meta faint">entries #{step.index}–{step.lastIndex}{step.call?.tool?.callId ? ` · call ${step.call.tool.callId}` : ''}</div>
        </div>
      )}
    </div>
  )
}
