import { useEffect, useState } from 'react'
import { WalletsScreen } from '../features/wallets'
import { ChatScreen } from '../features/chat'
import { BranchesScreen } from '../features/branches'
import { ArtifactsScreen } from '../features/artifacts'
import { SettingsScreen } from '../features/settings'
import { RolloutsScreen } from '../features/rollouts'
import { LogsButton, LogsDrawer } from '../features/logs'
import { DropOverlay, ImportBundleButton, ImportDialog } from '../features/bundles'
import { startHostUpdates, useHostStore } from '../shared/host'
import { Icon } from '../shared/ui'
import { ConfigNotice } from './ConfigNotice'
import { ConnectionBanner } from './ConnectionBanner'
import { GetStarted } from './GetStarted'
import { ModelPill } from './ModelPill'
import { Nav } from './Nav'
import { ROUTES, START_ROUTE, type RouteId } from './routes'
import { ShortcutsOverlay } from './ShortcutsOverlay'
import { useShellStore } from './shellStore'
import { navigate, useRoute } from './useRoute'
import './shell.css'
import './overlay.css'

const typingIn = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && target.closest('input, select, textarea, [contenteditable="true"]') !== null

function Screen({ route }: { route: RouteId }) {
  switch (route) {
    case 'start': return <GetStarted />
    case 'chat': return <ChatScreen />
    case 'branches': return <BranchesScreen />
    case 'artifacts': return <ArtifactsScreen />
    case 'settings': return <SettingsScreen />
    case 'rollouts': return <RolloutsScreen />
    case 'wallets': return <WalletsScreen />
  }
}

/** The application shell: nav, top bar (model pill, shortcuts), theme, keys, connection state and the current screen. */
export function App() {
  const route = useRoute()
  const theme = useShellStore((s) => s.theme)
  const toggleTheme = useShellStore((s) => s.toggleTheme)
  const info = useHostStore((s) => s.info)
  const connection = useHostStore((s) => s.connection)
  const epoch = useHostStore((s) => s.epoch)
  const [help, setHelp] = useState(false)

  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])

  useEffect(() => startHostUpdates(), [])

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.altKey || e.defaultPrevented) return
      const modified = e.ctrlKey || e.metaKey
      // Bare keys only outside form fields (typing an amount must not switch screens); browsers
      // keep Ctrl+digit for their tabs, so the bare form is the one that works everywhere.
      const typing = typingIn(e.target)
      if (e.key === '?' && !modified && !typing) {
        e.preventDefault()
        setHelp((h) => !h)
        return
      }
      if (!modified && (typing || e.shiftKey)) return
      if (/^[0-9]$/.test(e.key) && Number(e.key) <= ROUTES.length) {
        e.preventDefault()
        navigate(e.key === '0' ? START_ROUTE.id : ROUTES[Number(e.key) - 1]!.id)
        setHelp(false)
        document.getElementById('main')?.focus()
      } else if (modified && e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault()
        toggleTheme()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [toggleTheme])

  const disconnected = connection === 'closed'
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus() }}>Skip to content</a>
      <aside className="sidebar" aria-label="Sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">P2</span>
          <div className="brand-text">
            <div className="brand-name">P2Engine</div>
            <div className="brand-sub faint">{info ? `v${info.version} · ${info.host === 'electron' ? 'desktop' : 'browser'}` : 'workbench'}</div>
          </div>
        </div>
        <Nav current={route} />
        <div className="sidebar-foot">
          <button type="button" className="btn btn-ghost theme-toggle" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Ctrl+Shift+L">
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
            <span className="theme-label">{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
          </button>
          {info && <div className="home faint" title={info.home}>{info.home}</div>}
        </div>
      </aside>
      <div className="main-col">
        <header className="topbar">
          <span className={`conn conn-${connection}`} data-testid="connection" title={disconnected ? 'Disconnected from the host' : connection === 'open' ? 'Connected to the host' : 'Connecting…'}>
            <span className="badge-dot" aria-hidden="true" />
            <span className="conn-label">{disconnected ? 'disconnected' : connection === 'open' ? 'connected' : 'connecting…'}</span>
          </span>
          <div className="topbar-right">
            <ModelPill />
            <ImportBundleButton />
            <LogsButton />
            <button type="button" className="btn btn-ghost icon-btn" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
              <Icon name="help" />
            </button>
          </div>
        </header>
        <main id="main" className="main" tabIndex={-1}>
          {disconnected && <ConnectionBanner host={info?.host ?? 'browser'} />}
          <ConfigNotice info={info} />
          {/* Disconnected: keep the last data, marked stale and inert, instead of empty states that mislead. */}
          <div className={`content ${disconnected ? 'content-stale' : ''}`} inert={disconnected} aria-busy={disconnected || undefined}>
            <Screen key={epoch} route={route} />
          </div>
        </main>
        <LogsDrawer />
      </div>
      {help && <ShortcutsOverlay onClose={() => setHelp(false)} />}
      <ImportDialog />
      <DropOverlay />
    </div>
  )
}
