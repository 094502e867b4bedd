import type { ReactNode } from 'react'

/** An inline message: what happened and how to fix it. `error` is announced to screen readers. */
export function Alert({ tone, title, children }: { tone: 'error' | 'success' | 'info'; title?: ReactNode; children?: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <strong className="alert-title">{title}</strong>}
      {children && <div className="alert-body">{children}</div>}
    </div>
  )
}
