import { beforeEach, describe, expect, it } from 'vitest'
import type { Client } from '../../shared/client'
import { setClient } from '../../shared/client'
import { useHostStore } from '../../shared/host'
import { resetImportStore, useImportStore } from './store'

const summary = {
  format: 'p2engine-bundle', version: 1, appVersion: '1.0.0', created: '2026-12-02T10:00:00.000Z', sourceMachine: 'm_1',
  contents: { scope: 'conversations' as const, conversations: [{ id: 'chat_1', name: 'trip' }], rollouts: [] },
  counts: { conversations: 1, branches: 1, entries: 4, artifacts: 4, evaluations: 0, links: 0, overrides: 0, recordings: 2, rollouts: 0, variants: 0, transfers: 0, configFiles: 1 },
}
const report = { items: [{ kind: 'conversation' as const, sourceId: 'chat_1', id: 'chat_1', name: 'trip', status: 'imported' as const }], written: { entries: 4 }, refsRemapped: 0, changed: true }

/** A fake host: records calls, answers the bundles channels, emits progress for the import. */
function fakeClient(o: { failInspect?: string } = {}) {
  const calls: [string, Record<string, unknown>][] = []
  const listeners = new Map<string, ((p: unknown) => void)[]>()
  const client = {
    transport: 'ws',
    async invoke(channel: string, input: Record<string, unknown>) {
      calls.push([channel, input])
      if (channel === 'bundles:upload') return { uploadId: (input.uploadId as string) ?? 'b_1', bytes: 1 }
      if (channel === 'bundles:inspect') {
        if (o.failInspect) throw new Error(o.failInspect)
        return { fileName: 'trip.p2bundle', bytes: 3, summary, entries: [], preview: report }
      }
      if (channel === 'bundles:import') {
        for (const cb of listeners.get('bundles:progressed') ?? []) cb({ requestId: input.requestId, phase: 'import', done: 2, total: 4 })
        return { fileName: 'trip.p2bundle', summary, report }
      }
      throw new Error(`unexpected ${channel}`)
    },
    on(event: string, cb: (p: unknown) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), cb])
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((x) => x !== cb))
    },
    onConnection: () => () => {},
  }
  setClient(client as unknown as Client)
  return { calls }
}

beforeEach(() => resetImportStore())

describe('the import dialog store', () => {
  it('a file is uploaded, previewed, then imported on confirm; screens re-read (epoch) after a change', async () => {
    const { calls } = fakeClient()
    const epoch = useHostStore.getState().epoch
    const progress: number[] = []
    const off = useImportStore.subscribe((s) => s.progress && progress.push(s.progress.fraction))
    await useImportStore.getState().open(new File([new Uint8Array([1, 2, 3])], 'trip.p2bundle'))
    expect(useImportStore.getState()).toMatchObject({ phase: 'preview', fileName: 'trip.p2bundle', source: { uploadId: 'b_1' }, error: null })
    expect(calls.map(([c]) => c)).toEqual(['bundles:upload', 'bundles:inspect'])
    expect(calls[0]![1]).toEqual({ fileName: 'trip.p2bundle', dataBase64: 'AQID' })
    await useImportStore.getState().confirm()
    off()
    expect(useImportStore.getState()).toMatchObject({ phase: 'done', result: { report: { changed: true } }, progress: null })
    expect(calls.at(-1)).toEqual(['bundles:import', { uploadId: 'b_1', requestId: expect.stringMatching(/^imp_/) }])
    expect(progress).toContain(0.5)
    expect(useHostStore.getState().epoch).toBe(epoch + 1)
  })

  it('a bad file shows the host\'s one-line error and imports nothing', async () => {
    const { calls } = fakeClient({ failInspect: 'bundle x.p2bundle: not a zip file' })
    await useImportStore.getState().open(new File(['nope'], 'x.p2bundle'))
    expect(useImportStore.getState()).toMatchObject({ phase: 'error', error: 'bundle x.p2bundle: not a zip file' })
    expect(calls.map(([c]) => c)).not.toContain('bundles:import')
    useImportStore.getState().close()
    expect(useImportStore.getState().phase).toBe('closed')
  })
})
