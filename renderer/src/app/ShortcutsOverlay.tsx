import { useEffect, useRef } from 'react'
import { Icon } from '../shared/ui'
import { useEscape } from '../shared/useEscape'
import { ROUTES } from './routes'

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform)
const mod = isMac ? '⌘' : 'Ctrl'

const GROUPS: { title: string; rows: [keys: string[], what: string][] }[] = [
  {
    title: 'Anywhere',
    rows: [
      [['?'], 'Show or hide this list'],
      [['Esc'], 'Close the open panel or dialog'],
      [['0'], 'Get started'],
      ...ROUTES.map((r, i): [string[], string] => [[String(i + 1)], r.label]),
      [[mod, 'Shift', 'L'], 'Switch light / dark theme'],
    ],
  },
  {
    title: 'Navigation',
    rows: [
      [['↑', '↓'], 'Move through the side menu, rows and lists'],
      [['Home', 'End'], 'First / last menu item'],
      [['Enter'], 'Open the focused item'],
    ],
  },
  {
    title: 'Chat and artifacts',
    rows: [
      [['Enter'], 'Send the message'],
      [['Shift', 'Enter'], 'New line in the message'],
      [['Space'], 'Pick the open artifact for a diff'],
    ],
  },
]

/** The `?` overlay: every keyboard shortcut. Esc, the close button or a click outside closes it. */
export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null)
  useEscape(true, onClose)
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    closeRef.current?.focus()
    return () => before?.focus?.()
  }, [])
  return (
    <div className="overlay-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose() }}>
      <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
        <header className="overlay-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={closeRef} type="button" className="btn btn-ghost icon-btn" onClick={onClose} aria-label="Close shortcuts"><Icon name="close" /></button>
        </header>
        <div className="overlay-body shortcuts">
          {GROUPS.map((g) => (
            <section key={g.title} aria-label={g.title}>
              <h3>{g.title}</h3>
              <dl>
                {g.rows.map(([keys, what]) => (
                  <div key={what + keys.join()}>
                    <dt>{keys.map((k, i) => <kbd key={i}>{k}</kbd>)}</dt>
                    <dd>{what}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  )
}
