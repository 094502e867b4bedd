import type { RolloutDetail } from '../../../../../preload/contract'
import { Alert, Badge, Button, Card } from '../../../shared/ui'
import { useRolloutsStore } from '../store'
import { BarChart } from './BarChart'
import { ComparePanel } from './ComparePanel'
import { ConfigTable, LedgerChanges, MetricsTable, TeamTable } from './ResultTables'
import { VariantGrid } from './VariantGrid'

const label = (d: RolloutDetail, v: RolloutDetail['variants'][number]) => (new Set(d.variants.map((x) => x.team)).size > 1 ? `${v.team}/${v.variantId}` : v.variantId)

/** One rollout: live grid while it runs, then the result tables, charts, compare and export. */
export function RolloutView({ detail }: { detail: RolloutDetail }) {
  const finished = detail.variants.some((v) => v.metrics)
  const interrupted = detail.status === 'running' && !detail.active
  const bars = (f: (m: NonNullable<RolloutDetail['variants'][number]['metrics']>) => number | null) =>
    detail.variants.map((v) => ({ label: label(detail, v), value: v.metrics ? f(v.metrics) : null }))
  return (
    <div className="rollout-view" data-testid="rollout-view" data-status={detail.status}>
      <Card
        title={<span>Rollout <span className="mono">{detail.id}</span></span>}
        label="Rollout"
        actions={
          <>
            {detail.offline && <Badge tone="warn" title="The offline scripted model (and judge) answered: scores and tokens are not from a real LLM">offline · scripted</Badge>}
            <Badge tone={detail.status === 'done' ? 'good' : detail.status === 'failed' ? 'bad' : 'info'}>{interrupted ? 'interrupted' : detail.status}</Badge>
          </>
        }
      >
        <p className="muted rollout-meta">
          <span className="mono">{detail.specFile}</span> · {detail.total} variants · parallel {detail.options.parallel}{detail.options.samples ? ` · ${detail.options.samples} judge samples` : ''} · started {new Date(detail.createdAt).toLocaleString()}
        </p>
        {detail.offline && (
          <Alert tone="info" title="Offline results">
            No model key or local server was configured, so the built-in scripted model (and judge) answered. Scores and tokens show the pipeline works; they are not from a real LLM. Add a key in Settings for real results.
          </Alert>
        )}
        {interrupted && (
          <div className="resume-line">
            <span className="muted">This rollout was interrupted (the app quit). Finished variants are kept; the rest can run now.</span>
            <Button variant="primary" onClick={() => void useRolloutsStore.getState().resume(detail.id)}>Resume</Button>
          </div>
        )}
        <VariantGrid detail={detail} />
      </Card>

      {finished && (
        <>
          <Card title="Charts" label="Charts">
            <div className="charts">
              <BarChart title="Score" bars={bars((m) => m.score)} digits={3} />
              <BarChart title="Cost" unit=" $" bars={bars((m) => m.usage.costUsd)} digits={4} />
              <BarChart title="Tokens" bars={bars((m) => m.usage.totalTokens)} digits={0} />
              <BarChart title="Latency" unit=" s" bars={bars((m) => m.wallMs / 1000)} digits={1} />
            </div>
          </Card>
          <MetricsTable detail={detail} />
          <div className="two-col">
            <TeamTable detail={detail} />
            <LedgerChanges detail={detail} />
          </div>
          <ConfigTable detail={detail} />
          <ComparePanel detail={detail} />
        </>
      )}
    </div>
  )
}
