import { useEffect, useState } from 'react'
import type { InvokeOutput } from '../../../../../preload/contract'
import { Badge } from '../../../shared/ui'
import { bundlesApi } from '../api'

/** "imported from bundle F" for an imported conversation or rollout; nothing for local work. */
export function OriginBadge({ kind, id }: { kind: 'conversation' | 'rollout'; id: string }) {
  const [origin, setOrigin] = useState<InvokeOutput<'bundles:origin'>>(null)
  useEffect(() => {
    let live = true
    bundlesApi.origin(kind, id).then((o) => live && setOrigin(o), () => live && setOrigin(null))
    return () => {
      live = false
    }
  }, [kind, id])
  if (!origin) return null
  const at = new Date(origin.importedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return (
    <Badge tone="info" title={`machine ${origin.sourceMachine}, imported ${at}${origin.sourceId !== id ? `; id there: ${origin.sourceId}` : ''}`}>
      <span data-testid="bundle-origin">imported from bundle {origin.bundleFile}</span>
    </Badge>
  )
}
