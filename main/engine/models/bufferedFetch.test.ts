import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { bufferedFetch } from './bufferedFetch'

let server: Server | undefined
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined))
  server = undefined
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
}

describe('the buffered fetch of non-streamed model calls', () => {
  it('sends method, headers and body; returns status, every header and the body, decoding a compressed answer', async () => {
    const seen: { method?: string; auth?: string; body?: string } = {}
    const url = await serve((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c))
      req.on('end', () => {
        Object.assign(seen, { method: req.method, auth: req.headers.authorization, body })
        res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'retry-after': '2', 'set-cookie': ['a=1', 'b=2'] })
        res.end(gzipSync(JSON.stringify({ error: { message: 'slow down' } })))
      })
    })
    const r = await bufferedFetch(`${url}/v1/chat/completions`, { method: 'POST', headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }), body: '{"model":"m"}' })
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer k', body: '{"model":"m"}' })
    expect([r.status, r.headers.get('retry-after'), r.headers.get('content-encoding'), r.headers.getSetCookie()]).toEqual([429, '2', null, ['a=1', 'b=2']])
    expect(await r.json()).toEqual({ error: { message: 'slow down' } })
  })

  it('an abort rejects the call as an AbortError (the SDK reports it as cancelled)', async () => {
    const url = await serve(() => undefined) // never answers
    const controller = new AbortController()
    const call = bufferedFetch(url, { method: 'POST', body: '{}', signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('answers like a Response: the body reads once, as text, JSON, bytes or a stream made on demand; a 204 has none', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/none') return void res.writeHead(204).end()
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' }).end('{"ok":true}')
    })
    const r = await bufferedFetch(`${url}/x`, { method: 'POST', body: '{}' })
    expect([r.ok, r.status, r.url, r.headers.get('x-request-id'), r.bodyUsed]).toEqual([true, 200, `${url}/x`, 'req_1', false])
    const copy = r.clone()
    expect(await r.json()).toEqual({ ok: true })
    expect(r.bodyUsed).toBe(true)
    await expect(r.text()).rejects.toBeInstanceOf(TypeError)
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe('{"ok":true}')
    const streamed = await bufferedFetch(`${url}/x`, { method: 'POST', body: '{}' })
    expect(await new Response(streamed.body).text()).toBe('{"ok":true}')
    const none = await bufferedFetch(`${url}/none`, { method: 'POST', body: '{}' })
    expect([none.ok, none.status, none.body]).toEqual([true, 204, null])
  })
})
