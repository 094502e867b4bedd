import type { ButtonHTMLAttributes, Ref } from 'react'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'ghost'
  busy?: boolean
  ref?: Ref<HTMLButtonElement>
}

/** The app's button; `busy` disables it and shows a spinner. */
export function Button({ variant = 'secondary', busy = false, className = '', children, disabled, ref, ...rest }: ButtonProps) {
  return (
    <button {...rest} ref={ref} className={`btn btn-${variant} ${className}`} disabled={disabled || busy} aria-busy={busy || undefined}>
      {busy && <span className="spinner spinner-sm" aria-hidden="true" />}
      {children}
    </button>
  )
}
