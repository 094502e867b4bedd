import { useEffect, useRef } from 'react'

/** Open panels, innermost last: Esc closes only the top one. */
const stack: { current: () => void }[] = []
let listening = false

const onKey = (e: KeyboardEvent): void => {
  if (e.key !== 'Escape' || e.defaultPrevented) return
  const top = stack[stack.length - 1]
  if (!top) return
  e.preventDefault()
  top.current()
}

/**
 * Closes a panel (overlay, viewer, drawer) with Esc while `open`. Panels opened later close
 * first, so Esc peels them off one at a time. Native `<select>` and dialogs handle Esc themselves.
 */
export function useEscape(open: boolean, close: () => void): void {
  const ref = useRef(close)
  ref.current = close
  useEffect(() => {
    if (!open) return
    if (!listening) {
      window.addEventListener('keydown', onKey)
      listening = true
    }
    const entry = { get current() { return ref.current } }
    stack.push(entry)
    return () => {
      const i = stack.indexOf(entry)
      if (i >= 0) stack.splice(i, 1)
    }
  }, [open])
}
