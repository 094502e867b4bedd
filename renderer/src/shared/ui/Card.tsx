import type { ReactNode } from 'react'

export interface CardProps {
  title?: ReactNode
  actions?: ReactNode
  className?: string
  children: ReactNode
  /** Labels the region for screen readers and tests. */
  label?: string
}

/** A titled panel. */
export function Card({ title, actions, className = '', children, label }: CardProps) {
  return (
    <section className={`card ${className}`} aria-label={label ?? (typeof title === 'string' ? title : undefined)}>
      {(title || actions) && (
        <header className="card-header">
          {title && <h2 className="card-title">{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className="card-body">{children}</div>
    </section>
  )
}
