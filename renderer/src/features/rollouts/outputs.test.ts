import { describe, expect, it } from 'vitest'
import type { VariantView } from '../../../../preload/contract'
import { DEFAULT_FILTER, differingKeys, isFailing, outputMatrix } from './outputs'

const usage = (totalTokens: number) => ({ calls: 1, promptTokens: totalTokens, completionTokens: 0, totalTokens, costUsd: 0, modelMs: 10, offline: false })

const v = (team: string, variantId: string, position: number, o: { answer?: string; score?: number | null; tokens?: number; wallMs?: number; status?: VariantView['status']; tools?: string[] } = {}): VariantView => ({
  team, variantId, position, status: o.status ?? 'done', phase: o.status ?? 'done', conversationId: 'c', overrides: { tools: o.tools ?? ['get_weather'] }, error: o.status === 'failed' ? 'boom' : null,
  startedAt: 1, finishedAt: 2, initialMessage: 'hi',
  metrics: o.status === 'failed' ? null : {
    conversationId: 'c', agentId: 'a', answer: o.answer ?? `${team} ${variantId} answer`, answerRef: null,
    scores: [{ evaluator: 'judge', version: '1', metric: 'score', score: o.score ?? null, metrics: {}, offline: false, comment: `comment on ${variantId}` }],
    score: o.score ?? null, usage: usage(o.tokens ?? 100), judgeUsage: usage(1), wallMs: o.wallMs ?? 1000, toolCalls: 0, toolErrors: 0, errors: [], ledger: null,
  },
})

const detail = {
  variants: [
    v('weather', 'v000', 0, { score: 0.9, tokens: 300, answer: 'Sunny in Tokyo' }),
    v('weather', 'v001', 1, { score: 0.6, tokens: 100, tools: ['get_weather', 'delegate'] }),
    v('weather', 'v002', 2, { status: 'failed' }),
    v('jokes', 'v000', 0, { score: 0.2, tokens: 50, answer: 'A pun about Tokyo' }),
    v('jokes', 'v001', 1, { score: 0.8, tokens: 70 }),
  ],
}

const shape = (m: ReturnType<typeof outputMatrix>) => m.rows.map((r) => [r.variantId, ...m.teams.map((t) => (r.cells[t] ? (r.cells[t]!.match ? 'match' : 'dim') : '–'))])

describe('outputMatrix', () => {
  it('rows are variant ids, columns teams, in position order', () => {
    const m = outputMatrix(detail, DEFAULT_FILTER)
    expect(m.teams).toEqual(['weather', 'jokes'])
    expect(shape(m)).toEqual([['v000', 'match', 'match'], ['v001', 'match', 'match'], ['v002', 'match', '–']])
    expect({ matches: m.matches, total: m.total }).toEqual({ matches: 5, total: 5 })
  })

  it('failed only keeps failed, errored and low-scored cells; rows without one are dropped', () => {
    expect(detail.variants.filter(isFailing).map((x) => `${x.team}/${x.variantId}`)).toEqual(['weather/v002', 'jokes/v000'])
    expect(shape(outputMatrix(detail, { ...DEFAULT_FILTER, failedOnly: true }))).toEqual([['v000', 'dim', 'match'], ['v002', 'match', '–']])
  })

  it('a team filter keeps one column; text search looks in answers, comments and config', () => {
    expect(shape(outputMatrix(detail, { ...DEFAULT_FILTER, team: 'jokes' }))).toEqual([['v000', 'match'], ['v001', 'match']])
    expect(shape(outputMatrix(detail, { ...DEFAULT_FILTER, text: 'tokyo' }))).toEqual([['v000', 'match', 'match']])
    expect(shape(outputMatrix(detail, { ...DEFAULT_FILTER, text: 'DELEGATE' }))).toEqual([['v001', 'match', 'dim']])
    expect(shape(outputMatrix(detail, { ...DEFAULT_FILTER, text: 'comment on v002' }))).toEqual([])
    expect(outputMatrix(detail, { ...DEFAULT_FILTER, text: 'nothing like this' }).rows).toEqual([])
  })

  it('sorts rows by the mean of their matching cells; rows without a value last', () => {
    const ids = (sort: typeof DEFAULT_FILTER.sort, team: string | null = null) => outputMatrix(detail, { ...DEFAULT_FILTER, sort, team }).rows.map((r) => r.variantId)
    expect(ids('score-desc')).toEqual(['v001', 'v000', 'v002']) // 0.7, 0.55, none
    expect(ids('score-asc')).toEqual(['v000', 'v001', 'v002'])
    expect(ids('tokens-desc', 'weather')).toEqual(['v000', 'v001', 'v002'])
    expect(ids('score-asc', 'jokes')).toEqual(['v000', 'v001'])
  })

  it('differingKeys names the override keys that differ', () => {
    expect(differingKeys(detail.variants[0]!, detail.variants[1]!)).toEqual(['tools'])
    expect(differingKeys(detail.variants[0]!, detail.variants[3]!)).toEqual([])
  })
})
