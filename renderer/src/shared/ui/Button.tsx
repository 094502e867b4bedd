import type { ButtonHTMLAttributes } from 'react'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'ghost'
  busy?: boolean
}

/** The app's button; `busy` disables it and shows a spinner. */
export function Button({ variant = 'secondary', busy = false, className = '', children, disabled, ...rest }: ButtonProps) {
  return (
    <button {...rest} className={`btn btn-${variant} ${className}`} disabled={disabled || busy} aria-busy={busy || undefined}>
      {busy && <span className="spinner spinner-sm" aria-hidden="true" />}
      {children}
    </button>
  )
}
