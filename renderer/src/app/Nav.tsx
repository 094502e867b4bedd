import { useRef, type KeyboardEvent } from 'react'
import { Icon } from '../shared/ui'
import { navigate } from './useRoute'
import { ROUTES, type RouteId } from './routes'

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform)

/** The left nav: arrow keys move between items (roving focus), Enter opens, N or Ctrl/⌘+N jumps. */
export function Nav({ current }: { current: RouteId }) {
  const refs = useRef<(HTMLAnchorElement | null)[]>([])
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = ROUTES.length - 1
    const next = event.key === 'ArrowDown' ? (index === last ? 0 : index + 1)
      : event.key === 'ArrowUp' ? (index === 0 ? last : index - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null
    if (next === null) return
    event.preventDefault()
    refs.current[next]?.focus()
  }
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {ROUTES.map((r, i) => {
          const active = r.id === current
          return (
            <li key={r.id}>
              <a
                ref={(el) => { refs.current[i] = el }}
                href={`#/${r.id}`}
                className={`nav-item ${active ? 'nav-active' : ''}`}
                aria-current={active ? 'page' : undefined}
                tabIndex={active ? 0 : -1}
                onKeyDown={(e) => onKeyDown(e, i)}
                onClick={() => navigate(r.id)}
              >
                <span className="nav-icon"><Icon name={r.icon} /></span>
                <span className="nav-label">{r.label}</span>
                {r.arrivesWith && <span className="nav-soon" title={`Arrives with ${r.arrivesWith}`}>soon</span>}
                <kbd className="nav-kbd" aria-hidden="true" title={`${i + 1}, or ${isMac ? '⌘' : 'Ctrl+'}${i + 1}`}>{i + 1}</kbd>
              </a>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
