/** The screens of the left nav, in order; the position number (alone, or with Ctrl/⌘) jumps to each. */
export const ROUTES = [
  { id: 'chat', label: 'Chat', icon: 'chat', arrivesWith: null, next: '' },
  { id: 'branches', label: 'Branches', icon: 'branches', arrivesWith: null, next: '' },
  { id: 'wallets', label: 'Wallets', icon: 'wallets', arrivesWith: null, next: '' },
  { id: 'rollouts', label: 'Rollouts', icon: 'rollouts', arrivesWith: null, next: '' },
  { id: 'artifacts', label: 'Artifacts', icon: 'artifacts', arrivesWith: null, next: '' },
  { id: 'settings', label: 'Settings', icon: 'settings', arrivesWith: null, next: '' },
] as const

export type RouteId = (typeof ROUTES)[number]['id']
export const DEFAULT_ROUTE: RouteId = 'wallets'

export const isRouteId = (s: string): s is RouteId => ROUTES.some((r) => r.id === s)
