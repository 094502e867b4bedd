import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { contract, type Envelope } from '../../preload/contract'
import { EventBus } from './eventBus'
import { makeTestServices } from './fixtures'
import { buildHandlers } from './handlers'
import { MapTransport, registerHandlers } from './register'
import { startS3rver } from '../storage/s3/testing/s3rver'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function host() {
  const home = mkdtempSync(join(tmpdir(), 'p2e-bundles-ipc-'))
  const services = await makeTestServices('browser', home)
  const bus = new EventBus()
  const transport = new MapTransport()
  registerHandlers(contract, buildHandlers(services, bus), transport)
  cleanups.push(async () => {
    await services.engine!.whenIdle()
    await services.close()
    rmSync(home, { recursive: true, force: true })
  })
  const call = async <T>(channel: string, input: unknown): Promise<T> => {
    const r = (await transport.invoke(channel, input)) as Envelope<T>
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
    return r.data
  }
  return { services, bus, transport, call, home }
}

describe('bundles over the IPC contract (what the UI uses)', () => {
  it('export for download in chunks, upload into another host, preview, import with progress; the engine there shows the conversation', async () => {
    const a = await host()
    const engine = a.services.engine!
    engine.startConversation({ agentId: 'agent_alpha', id: 'chat_ipc', name: 'ipc-trip' })
    engine.send('chat_ipc', 'What is the weather in Paris in celsius?')
    await engine.whenIdle('chat_ipc')
    const exported = await a.call<{ downloadId: string; fileName: string; bytes: number; summary: { counts: { conversations: number } } }>('bundles:export', { conversations: ['ipc-trip'] })
    expect([exported.fileName, exported.summary.counts.conversations]).toEqual(['ipc-trip.p2bundle', 1])
    let b64 = ''
    for (let offset = 0, done = false; !done;) {
      const c = await a.call<{ dataBase64: string; next: number; done: boolean }>('bundles:download', { downloadId: exported.downloadId, offset })
      b64 += c.dataBase64
      ;[offset, done] = [c.next, c.done]
    }
    expect(Buffer.from(b64, 'base64').length).toBe(exported.bytes)

    const b = await host()
    const half = Math.floor(b64.length / 8) * 4
    const { uploadId } = await b.call<{ uploadId: string }>('bundles:upload', { fileName: 'ipc-trip.p2bundle', dataBase64: b64.slice(0, half) })
    expect((await b.call<{ bytes: number }>('bundles:upload', { uploadId, dataBase64: b64.slice(half) })).bytes).toBe(exported.bytes)
    const preview = await b.call<{ preview: { items: { status: string; name: string }[]; changed: boolean } }>('bundles:inspect', { uploadId })
    expect(preview.preview.items.map((i) => [i.status, i.name])).toEqual([['imported', 'ipc-trip']])
    expect(b.services.engine!.deps.stacks.listConversations().map((c) => c.name)).not.toContain('ipc-trip')
    const progress: unknown[] = []
    b.bus.subscribe((e) => e.name === 'bundles:progressed' && progress.push(e.payload))
    const done = await b.call<{ report: { changed: boolean } }>('bundles:import', { uploadId, requestId: 'r7' })
    expect(done.report.changed).toBe(true)
    expect(progress.at(-1)).toMatchObject({ requestId: 'r7', phase: 'import' })
    const conv = b.services.engine!.deps.stacks.getConversation('ipc-trip')
    const states = (s: typeof engine) => s.deps.stacks.read(conv.id, conv.rootAgent).map((e) => e.state)
    expect(states(b.services.engine!)).toEqual(states(engine))
  })

  it('bad input is an error envelope naming the problem', async () => {
    const a = await host()
    const r = await a.transport.invoke('bundles:inspect', { uploadId: 'b_nope' })
    expect(r).toEqual({ ok: false, error: { code: 'BUNDLE_TRANSFER_NOT_FOUND', message: 'no bundle upload or download "b_nope" (it expired or was never started)' } })
    const url = await a.transport.invoke('bundles:import', { path: 'https://host/x.p2bundle' })
    expect(url).toMatchObject({ ok: false, error: { message: 'bundle https://host/x.p2bundle: only local files and s3:// locations are bundle locations' } })
  })

  it('export to and import from s3://BUCKET/KEY (against s3rver), with the AWS_* of the host environment', async () => {
    const s3 = await startS3rver()
    cleanups.push(() => s3.stop())
    const a = await host()
    a.services.env = s3.env
    const engine = a.services.engine!
    engine.startConversation({ agentId: 'agent_alpha', id: 'chat_s3', name: 's3-trip' })
    engine.send('chat_s3', 'What is the weather in Paris in celsius?')
    await engine.whenIdle('chat_s3')
    const path = `s3://${s3.bucket}/ui/s3-trip.p2bundle`
    expect(await a.call<{ file: string }>('bundles:export', { conversations: ['s3-trip'], path })).toMatchObject({ file: path, downloadId: null })
    const b = await host()
    b.services.env = s3.env
    expect((await b.call<{ preview: { items: { status: string }[] } }>('bundles:inspect', { path })).preview.items.map((i) => i.status)).toEqual(['imported'])
    expect((await b.call<{ report: { changed: boolean } }>('bundles:import', { path })).report.changed).toBe(true)
    expect(b.services.engine!.deps.stacks.getConversation('s3-trip').id).toBe('chat_s3')
    const missing = await b.transport.invoke('bundles:import', { path: `s3://${s3.bucket}/nope.p2bundle` })
    expect(missing).toEqual({ ok: false, error: { code: 'S3_NO_SUCH_KEY', message: `S3 download of s3://${s3.bucket}/nope.p2bundle: no object with key "nope.p2bundle" in bucket "${s3.bucket}"` } })
  })
})
