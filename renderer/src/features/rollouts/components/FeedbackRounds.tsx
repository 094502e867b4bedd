import type { VariantView } from '../../../../../preload/contract'
import { Badge, Button } from '../../../shared/ui'
import { openTranscript } from '../openTranscript'

const tone = (s: number) => (s >= 0.8 ? 'good' : s < 0.5 ? 'bad' : 'warn')

/**
 * The feedback loop of a learning-rollout variant: the score of every round (each round after
 * the first is a new branch of the variant's conversation), the improvement, and a link that
 * opens the conversation on that round's branch.
 */
export function FeedbackRounds({ v }: { v: VariantView }) {
  const rounds = v.metrics?.rounds
  if (!rounds?.length || !v.conversationId) return null
  const first = rounds[0]!.score
  const last = rounds[rounds.length - 1]!.score
  const delta = first === null || last === null ? null : last - first
  return (
    <section aria-label="Feedback rounds">
      <h3>Feedback rounds{delta !== null && <span className="faint"> · improvement {delta >= 0 ? '+' : ''}{delta.toFixed(3)}</span>}</h3>
      <ul className="panel-scores">
        {rounds.map((r) => (
          <li key={r.round} data-testid="feedback-round">
            <div className="panel-score-head">
              <span>Round {r.round}</span>
              {r.score === null ? <Badge tone="bad">error</Badge> : <Badge tone={tone(r.score)}>{r.score.toFixed(3)}</Badge>}
              <Button variant="ghost" onClick={() => void openTranscript(v.conversationId!, r.branchId)} title={`Open the conversation on branch ${r.branchId}`}>
                branch <span className="mono">{r.branchId}</span>
              </Button>
            </div>
            {r.comment && <p className="panel-comment">{r.comment}</p>}
          </li>
        ))}
      </ul>
    </section>
  )
}
