// The rollout benchmark's model: the local OpenAI-compatible fake with its latency option. Run as
// its own process (see `startSlowModel`) so its CPU is not counted as the engine's.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startFakeOpenAi } from '../main/engine/testing/fakeOpenAi'

/**
 * Every answer (agent and judge) is a valid judge verdict, after `latencyMs`. One HTTP server: a
 * remote model's CPU is another machine's, so the stand-in should take as little of this one's as
 * it can (a proxy in front of the fake, as before, doubled its share of the two cores).
 */
async function serve(latencyMs: number): Promise<string> {
  const fake = await startFakeOpenAi([], { latencyMs, fallback: { content: '{"score": 0.8, "comment": "fake"}', usage: { prompt_tokens: 200, completion_tokens: 20 } } })
  return fake.baseUrl
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
