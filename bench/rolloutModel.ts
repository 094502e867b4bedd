// The rollout benchmark's model: a local OpenAI-compatible fake behind a proxy that adds the
// latency. Run as its own process (see `startSlowModel`) so its CPU is not counted as the engine's.
import { spawn } from 'node:child_process'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { startFakeOpenAi } from '../main/engine/testing/fakeOpenAi'

/** Every answer (agent and judge) is a valid judge verdict; a proxy adds `latencyMs` per completion. */
async function serve(latencyMs: number): Promise<string> {
  const fake = await startFakeOpenAi()
  const upstream = new URL(fake.baseUrl)
  const proxy = createServer((req, res) => {
    const completion = req.url?.endsWith('/chat/completions') ?? false
    if (completion) fake.push({ content: '{"score": 0.8, "comment": "fake"}', usage: { prompt_tokens: 200, completion_tokens: 20 } })
    setTimeout(() => {
      const up = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers)
        r.pipe(res)
      })
      req.pipe(up)
    }, completion ? latencyMs : 0)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`
}

/** Starts the model in a child process; resolves with its base URL and a stop function. */
export async function startSlowModel(latencyMs: number): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (c: string) => {
      out += c
      const line = out.split('\n').find((l) => l.startsWith('http'))
      if (line) resolve(line.trim())
    })
    child.once('exit', (code) => reject(new Error(`bench model process exited with code ${code}`)))
  })
  return {
    baseUrl,
    close: () => new Promise<void>((r) => {
      child.once('exit', () => r())
      child.kill()
    }),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await serve(Number(process.argv[2] ?? 100)))
}
