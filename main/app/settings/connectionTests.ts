import { connect } from 'node:net'
import { connect as connectTls } from 'node:tls'
import type { ConnectionTest } from '../../../preload/contract'
import { probeOpenAiServer } from '../../engine/models/router'
import { maskRedisUrl } from '../../scaleout/redisConfig'

/** Probes an OpenAI-compatible endpoint (`GET <base>/models`); any HTTP answer counts as reachable. */
export async function testModelEndpoint(url: string, probe: (u: string) => Promise<boolean> = probeOpenAiServer): Promise<ConnectionTest> {
  const started = performance.now()
  const ok = await probe(url)
  const ms = Math.round(performance.now() - started)
  return {
    target: 'model',
    url,
    ok,
    ms,
    message: ok
      ? `${url} answered. Models with this provider will use it.`
      : `Nothing answered at ${url.replace(/\/+$/, '')}/models. Check the URL, start the server (Ollama: \`ollama serve\`, base http://127.0.0.1:11434/v1; LM Studio: start its local server, base http://127.0.0.1:1234/v1), or leave it empty to use OpenAI. Until then the offline scripted model answers.`,
  }
}

/**
 * Sends PING to Redis over TCP (TLS for `rediss://`); `+PONG` counts as reachable. The URL in the
 * result is masked (a password never reaches the UI or the terminal).
 */
export function testRedis(url: string, timeoutMs = 1500): Promise<ConnectionTest> {
  const started = performance.now()
  const done = (ok: boolean, message: string): ConnectionTest => ({ target: 'redis', url: maskRedisUrl(url), ok, message, ms: Math.round(performance.now() - started) })
  let parsed: URL
  try {
    parsed = new URL(url)
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error('protocol')
  } catch {
    return Promise.resolve(done(false, `"${maskRedisUrl(url)}" is not a Redis URL; expected e.g. redis://127.0.0.1:6379`))
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  const port = Number(parsed.port || 6379)
  return new Promise((resolve) => {
    const tls = parsed.protocol === 'rediss:'
    const socket = tls ? connectTls({ host, port, servername: host }) : connect({ host, port })
    let reply = ''
    const finish = (r: ConnectionTest) => {
      socket.destroy()
      resolve(r)
    }
    socket.setTimeout(timeoutMs, () => finish(done(false, `Redis at ${host}:${port} did not answer within ${timeoutMs} ms. Check the host and port, and that Redis is running (\`redis-server\`).`)))
    socket.on(tls ? 'secureConnect' : 'connect', () => {
      const password = decodeURIComponent(parsed.password)
      const user = decodeURIComponent(parsed.username)
      socket.write(password ? `AUTH ${user ? `${user} ` : ''}${password}\r\nPING\r\n` : 'PING\r\n')
    })
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8')
      if (reply.includes('+PONG')) finish(done(true, `Redis at ${host}:${port} answered PONG.`))
      else if (/^-(NOAUTH|WRONGPASS|ERR)/m.test(reply)) finish(done(false, `Redis at ${host}:${port} refused: ${reply.split('\r\n').find((l) => l.startsWith('-'))!.slice(1)}. Put the password in the URL: redis://:PASSWORD@${host}:${port}`))
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(done(false, err.code === 'ECONNREFUSED'
        ? `Nothing is listening on ${host}:${port} (connection refused). Start Redis (\`redis-server\`) or fix the URL.`
        : `Cannot reach Redis at ${host}:${port}: ${err.code ?? err.message}. Check the host name and port.`))
    })
  })
}
