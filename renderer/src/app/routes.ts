/** The screens of the left nav, in order; the position number (alone, or with Ctrl/⌘) jumps to each. */
export const ROUTES = [
  { id: 'chat', label: 'Chat', icon: 'chat', arrivesWith: null, next: '' },
  { id: 'branches', label: 'Branches', icon: 'branches', arrivesWith: null, next: '' },
  { id: 'wallets', label: 'Wallets', icon: 'wallets', arrivesWith: null, next: '' },
  { id: 'rollouts', label: 'Rollouts', icon: 'rollouts', arrivesWith: null, next: '' },
  { id: 'artifacts', label: 'Artifacts', icon: 'artifacts', arrivesWith: null, next: '' },
  { id: 'settings', label: 'Settings', icon: 'settings', arrivesWith: null, next: '' },
] as const

/** The first-run view above the numbered screens (0 jumps to it). */
export const START_ROUTE = { id: 'start', label: 'Get started', icon: 'start' } as const

export type RouteId = (typeof ROUTES)[number]['id'] | typeof START_ROUTE.id
/** Where the app opens: the Get-started view, whose buttons lead into the other screens. */
export const DEFAULT_ROUTE: RouteId = 'start'

export const isRouteId = (s: string): s is RouteId => s === START_ROUTE.id || ROUTES.some((r) => r.id === s)
