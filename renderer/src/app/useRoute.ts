import { useSyncExternalStore } from 'react'
import { DEFAULT_ROUTE, isRouteId, type RouteId } from './routes'

/** Hash routing (`#/wallets`): works from file:// in Electron and from the browser host alike. */
const read = (): RouteId => {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0] ?? ''
  return isRouteId(id) ? id : DEFAULT_ROUTE
}

const subscribe = (cb: () => void): (() => void) => {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}

export function useRoute(): RouteId {
  return useSyncExternalStore(subscribe, read)
}

export function navigate(id: RouteId): void {
  if (read() !== id || !window.location.hash) window.location.hash = `/${id}`
}
