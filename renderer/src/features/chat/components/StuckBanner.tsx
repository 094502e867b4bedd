import { useState } from 'react'
import { Button } from '../../../shared/ui'

/**
 * Shown when the branch owes tool results or a turn that nothing runs (e.g. after a CLI rewind
 * that cut at a tool call): Resume runs the pending work again, Cancel closes the turn.
 */
export function StuckBanner({ pending, onResume, onCancel }: { pending: string[]; onResume: () => Promise<void>; onCancel: () => Promise<void> }) {
  const [busy, setBusy] = useState<'resume' | 'cancel' | null>(null)
  const run = async (which: 'resume' | 'cancel', fn: () => Promise<void>) => {
    setBusy(which)
    await fn()
    setBusy(null)
  }
  return (
    <div className="stuck" role="status" aria-label="This branch is stuck">
      <div className="stuck-text">
        <strong>Nothing is running this branch.</strong>{' '}
        {pending.length ? <>It stopped waiting for {pending.join(', ')}</> : <>It stopped before the agent answered</>}
        {' '}(for example after a rewind in the CLI). Resume runs that again (a payment is never made twice); Cancel ends the turn so you can send a new message.
      </div>
      <div className="stuck-actions">
        <Button variant="primary" busy={busy === 'resume'} disabled={busy !== null} onClick={() => void run('resume', onResume)}>Resume</Button>
        <Button busy={busy === 'cancel'} disabled={busy !== null} onClick={() => void run('cancel', onCancel)}>Cancel</Button>
      </div>
    </div>
  )
}
