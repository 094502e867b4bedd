import { useEffect, useState } from 'react'
import type { AppInfo } from '../../../preload/contract'
import { WalletsScreen } from '../features/wallets'
import { ChatScreen } from '../features/chat'
import { BranchesScreen } from '../features/branches'
import { ArtifactsScreen } from '../features/artifacts'
import { SettingsScreen } from '../features/settings'
import { RolloutsScreen } from '../features/rollouts'
import { getClient, type ConnectionState } from '../shared/client'
import { Alert, Icon } from '../shared/ui'
import { Nav } from './Nav'
import { Placeholder } from './Placeholder'
import { ROUTES } from './routes'
import { useShellStore } from './shellStore'
import { navigate, useRoute } from './useRoute'
import './shell.css'

/** The application shell: nav, theme, keyboard shortcuts, connection state and the current screen. */
export function App() {
  const route = useRoute()
  const theme = useShellStore((s) => s.theme)
  const toggleTheme = useShellStore((s) => s.toggleTheme)
  const [info, setInfo] = useState<AppInfo | null>(null)
  const [connection, setConnection] = useState<ConnectionState>('connecting')

  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])

  useEffect(() => {
    const client = getClient()
    const off = client.onConnection(setConnection)
    client.invoke('app:info', {}).then(setInfo, () => setInfo(null))
    return off
  }, [])

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.altKey) return
      const modified = e.ctrlKey || e.metaKey
      // Bare digits only outside form fields (typing an amount must not switch screens); browsers
      // keep Ctrl+digit for their tabs, so the bare form is the one that works everywhere.
      const typing = e.target instanceof HTMLElement && e.target.closest('input, select, textarea, [contenteditable="true"]') !== null
      if (!modified && (typing || e.shiftKey)) return
      const n = Number(e.key)
      if (/^[1-9]$/.test(e.key) && n <= ROUTES.length) {
        e.preventDefault()
        navigate(ROUTES[n - 1]!.id)
        document.getElementById('main')?.focus()
      } else if (modified && e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault()
        toggleTheme()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [toggleTheme])

  const current = ROUTES.find((r) => r.id === route)!
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus() }}>Skip to content</a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">P2</span>
          <div>
            <div className="brand-name">P2Engine</div>
            <div className="brand-sub faint">{info ? `v${info.version} · ${info.host === 'electron' ? 'desktop' : 'browser'}` : 'workbench'}</div>
          </div>
        </div>
        <Nav current={route} />
        <div className="sidebar-foot">
          <button type="button" className="btn btn-ghost theme-toggle" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Ctrl+Shift+L">
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
          {info && <div className="home faint" title={info.home}>{info.home}</div>}
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        {connection === 'closed' && (
          <div className="banner">
            <Alert tone="error" title="Disconnected from the P2Engine host">
              The page lost its connection. If <code>p2engine ui</code> was stopped, start it again and open the new URL it prints. Retrying…
            </Alert>
          </div>
        )}
        {current.arrivesWith !== null ? <Placeholder route={current} />
          : route === 'chat' ? <ChatScreen />
          : route === 'branches' ? <BranchesScreen />
          : route === 'artifacts' ? <ArtifactsScreen />
          : route === 'settings' ? <SettingsScreen />
          : route === 'rollouts' ? <RolloutsScreen />
          : <WalletsScreen />}
      </main>
    </div>
  )
}
