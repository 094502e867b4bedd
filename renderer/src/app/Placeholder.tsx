import { EmptyState, Icon } from '../shared/ui'
import type { ROUTES } from './routes'

/** A screen whose domain is not built yet: says what will come and with what. */
export function Placeholder({ route }: { route: (typeof ROUTES)[number] }) {
  return (
    <div className="screen">
      <header className="screen-header">
        <div>
          <h1>{route.label}</h1>
        </div>
      </header>
      <div className="card">
        <EmptyState icon={<Icon name={route.icon} size={26} />} title={`${route.label} arrives with ${route.arrivesWith}`}>
          <p>{route.next}</p>
          <p className="faint">Wallets work today: press <kbd>3</kbd> to open them.</p>
        </EmptyState>
      </div>
    </div>
  )
}
