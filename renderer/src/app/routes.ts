/** The screens of the left nav, in order; the position number (alone, or with Ctrl/⌘) jumps to each. */
export const ROUTES = [
  { id: 'chat', label: 'Chat', icon: 'chat', arrivesWith: 'the conversation engine', next: 'Meanwhile, agents are configured in config/agents.yml.' },
  { id: 'branches', label: 'Branches', icon: 'branches', arrivesWith: 'the conversation engine (branch store)', next: 'Branches will show as a tree of each conversation, with fork, rewind and compare.' },
  { id: 'wallets', label: 'Wallets', icon: 'wallets', arrivesWith: null, next: '' },
  { id: 'rollouts', label: 'Rollouts', icon: 'rollouts', arrivesWith: 'the rollout runner', next: 'You will open a rollout YAML here and watch its variants run.' },
  { id: 'artifacts', label: 'Artifacts', icon: 'artifacts', arrivesWith: 'the artifact browser', next: 'Every step’s stored state will be searchable here.' },
  { id: 'settings', label: 'Settings', icon: 'settings', arrivesWith: 'the settings domain', next: 'Until then, `p2engine config show` prints the settings in use and where each came from.' },
] as const

export type RouteId = (typeof ROUTES)[number]['id']
export const DEFAULT_ROUTE: RouteId = 'wallets'

export const isRouteId = (s: string): s is RouteId => ROUTES.some((r) => r.id === s)
