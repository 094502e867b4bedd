import type { ReactNode } from 'react'

export type Tone = 'neutral' | 'good' | 'bad' | 'warn' | 'info'

/** A small status pill. */
export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <span className="badge-dot" aria-hidden="true" />
      {children}
    </span>
  )
}
