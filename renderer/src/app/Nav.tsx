import { useRef, type KeyboardEvent } from 'react'
import { Icon, type IconName } from '../shared/ui'
import { navigate } from './useRoute'
import { ROUTES, START_ROUTE, type RouteId } from './routes'

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform)
const ITEMS: { id: RouteId; label: string; icon: IconName; key: string }[] = [
  { ...START_ROUTE, key: '0' },
  ...ROUTES.map((r, i) => ({ id: r.id, label: r.label, icon: r.icon, key: String(i + 1) })),
]

/**
 * The left nav: arrow keys move between items (roving focus), Enter opens, N or Ctrl/⌘+N jumps.
 * Below ~1200 px only the icons show; each item keeps its name as a tooltip and accessible name.
 */
export function Nav({ current }: { current: RouteId }) {
  const refs = useRef<(HTMLAnchorElement | null)[]>([])
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = ITEMS.length - 1
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
        {ITEMS.map((r, i) => {
          const active = r.id === current
          return (
            <li key={r.id} className={r.id === START_ROUTE.id ? 'nav-start' : undefined}>
              <a
                ref={(el) => { refs.current[i] = el }}
                href={`#/${r.id}`}
                className={`nav-item ${active ? 'nav-active' : ''}`}
                aria-current={active ? 'page' : undefined}
                tabIndex={active ? 0 : -1}
                title={`${r.label} (${r.key})`}
                onKeyDown={(e) => onKeyDown(e, i)}
                onClick={() => navigate(r.id)}
              >
                <span className="nav-icon"><Icon name={r.icon} /></span>
                <span className="nav-label">{r.label}</span>
                <kbd className="nav-kbd" aria-hidden="true" title={`${r.key}, or ${isMac ? '⌘' : 'Ctrl+'}${r.key}`}>{r.key}</kbd>
              </a>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
