import { ExportBundleButton } from '../../bundles'
import type { RolloutDetail } from '../../../../../preload/contract'
import { Alert, Badge, Button, Card } from '../../../shared/ui'
import { rolloutStateLabel } from '../labels'
import { improvementOf, metricValueOf, namedMetricsOf } from '../learning'
import { useRolloutsStore, type ResultTab } from '../store'
import { BarChart } from './BarChart'
import { ComparePanel } from './ComparePanel'
import { ExportButtons } from './ExportButtons'
import { OutputsMatrix } from './OutputsMatrix'
import { LedgerFlowsTable } from './LedgerFlows'
import { ConfigTable, MetricsTable, TeamTable } from './ResultTables'
import { VariantGrid } from './VariantGrid'
import { VariantPanel } from './VariantPanel'

const label = (d: RolloutDetail, v: RolloutDetail['variants'][number]) => (new Set(d.variants.map((x) => x.team)).size > 1 ? `${v.team}/${v.variantId}` : v.variantId)

const TABS: { id: ResultTab; label: string }[] = [
  { id: 'outputs', label: 'Outputs' },
  { id: 'charts', label: 'Charts' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'teams', label: 'Teams & ledger' },
  { id: 'config', label: 'Configuration' },
  { id: 'compare', label: 'Compare' },
]

function Charts({ detail }: { detail: RolloutDetail }) {
  const bars = (f: (m: NonNullable<RolloutDetail['variants'][number]['metrics']>) => number | null) =>
    detail.variants.map((v) => ({ label: label(detail, v), value: v.metrics ? f(v.metrics) : null }))
  return (
    <div className="charts">
      <BarChart title="Score" bars={bars((m) => m.score)} digits={3} />
      {namedMetricsOf(detail.variants).map((name) => (
        <BarChart key={name} title={`Metric: ${name}`} bars={detail.variants.map((v) => ({ label: label(detail, v), value: metricValueOf(v, name) }))} digits={3} />
      ))}
      {detail.variants.some((v) => v.metrics?.rounds) && (
        <BarChart title="Improvement over feedback rounds" bars={detail.variants.map((v) => ({ label: label(detail, v), value: improvementOf(v) }))} digits={3} />
      )}
      <BarChart title="Cost" unit=" $" bars={bars((m) => m.usage.costUsd)} digits={4} />
      <BarChart title="Tokens" bars={bars((m) => m.usage.totalTokens)} digits={0} />
      <BarChart title="Latency" unit=" s" bars={bars((m) => m.wallMs / 1000)} digits={1} />
    </div>
  )
}

/** One rollout: the live grid, then its results in tabs (outputs, charts, metrics, teams, configuration, compare). */
export function RolloutView({ detail }: { detail: RolloutDetail }) {
  const tab = useRolloutsStore((s) => s.tab)
  const cell = useRolloutsStore((s) => s.cell)
  const finished = detail.variants.some((v) => v.metrics || v.status === 'failed')
  const state = rolloutStateLabel(detail)
  const interrupted = state.resumable
  return (
    <div className={cell ? 'rollout-view with-panel' : 'rollout-view'} data-testid="rollout-view" data-status={detail.status}>
      <div className="rollout-view-main">
        <Card
          className="rollout-card"
          title={<span className="rollout-title"><span data-testid="rollout-name">{detail.name}</span> <span className="mono faint rollout-id">{detail.id}</span></span>}
          label="Rollout"
          actions={
            <>
              {detail.offline && <Badge tone="warn" title="The offline scripted model (and judge) answered: scores and tokens are not from a real LLM">offline · scripted</Badge>}
              <Badge tone={state.tone}>{state.text}</Badge>
              {detail.active && <Button variant="secondary" onClick={() => void useRolloutsStore.getState().stop(detail.id)} title="Stop the workers; finished variants are kept and Resume runs the rest">Stop</Button>}
            </>
          }
        >
          <p className="muted rollout-meta">
            <span className="mono">{detail.specFile.split(/[\\/]/).pop()}</span> · {detail.total} variant{detail.total === 1 ? '' : 's'} · parallel {detail.options.parallel}{detail.options.samples ? ` · ${detail.options.samples} judge samples` : ''} · started {new Date(detail.createdAt).toLocaleString()}
          </p>
          {detail.offline && (
            <Alert tone="info" title="Offline results">
              No model key or local server was configured, so the built-in scripted model (and judge) answered every variant on this screen. Scores and tokens show the pipeline works; they are not from a real LLM. Add a key in Settings for real results.
            </Alert>
          )}
          {interrupted && (
            <div className="resume-line">
              <span className="muted">This rollout is not running (it was stopped, or the app quit). Finished variants are kept; the rest can run now.</span>
              <Button variant="primary" onClick={() => void useRolloutsStore.getState().resume(detail.id)}>Resume</Button>
            </div>
          )}
          <VariantGrid detail={detail} />
        </Card>

        {finished && (
          <Card
            className="results-card" label="Results"
            title={
              <span className="tabs" role="tablist" aria-label="Result views">
                {TABS.map((t) => (
                  <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls="result-panel" className={tab === t.id ? 'tab active' : 'tab'} onClick={() => useRolloutsStore.getState().setTab(t.id)}>
                    {t.label}
                  </button>
                ))}
              </span>
            }
            actions={<><ExportButtons id={detail.id} /><ExportBundleButton selection={{ rollouts: [detail.id] }} /></>}
          >
            <div role="tabpanel" id="result-panel" aria-labelledby={`tab-${tab}`}>
              {tab === 'outputs' && <OutputsMatrix detail={detail} />}
              {tab === 'charts' && <Charts detail={detail} />}
              {tab === 'metrics' && <MetricsTable detail={detail} />}
              {tab === 'teams' && <div className="two-col"><TeamTable detail={detail} /><LedgerFlowsTable detail={detail} /></div>}
              {tab === 'config' && <ConfigTable detail={detail} />}
              {tab === 'compare' && <ComparePanel detail={detail} />}
            </div>
          </Card>
        )}
      </div>
      <VariantPanel detail={detail} />
    </div>
  )
}
