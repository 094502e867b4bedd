import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { create } from 'tar'

/**
 * A stand-in Canton release built by tests: `canton-open-source-<v>/bin/canton` (a tiny shell
 * script) and a README, gzipped; `extra` may add entries (paths relative to the source folder).
 */
export async function standInRelease(version: string, extra?: (root: string, top: string) => string[]): Promise<Buffer> {
  const work = mkdtempSync(join(tmpdir(), 'p2e-standin-'))
  const top = `canton-open-source-${version}`
  mkdirSync(join(work, 'src', top, 'bin'), { recursive: true })
  writeFileSync(join(work, 'src', top, 'bin', 'canton'), '#!/bin/sh\necho stand-in canton\n')
  chmodSync(join(work, 'src', top, 'bin', 'canton'), 0o755)
  writeFileSync(join(work, 'src', top, 'README.md'), 'stand-in')
  const file = join(work, 'out.tar.gz')
  await create({ gzip: true, cwd: join(work, 'src'), file, preservePaths: true, portable: true }, [top, ...(extra?.(join(work, 'src'), top) ?? [])])
  return readFileSync(file)
}

export const sha256Of = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/**
 * Serves `body` at `/canton.tar.gz` on 127.0.0.1 (a random port); `cut` sends half and drops
 * the connection, `stall` sends half and then nothing, `404` answers not found. Returns the URL and a close function.
 */
export async function serveRelease(body: Buffer, mode: 'ok' | 'cut' | 'stall' | '404' = 'ok'): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (mode === '404' || req.url !== '/canton.tar.gz') { res.writeHead(404); res.end('not here'); return }
    res.writeHead(200, { 'Content-Length': body.length, 'Content-Type': 'application/gzip' })
    if (mode === 'cut') { res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy()); return }
    if (mode === 'stall') { res.write(body.subarray(0, body.length >> 1)); return } // never ends
    res.end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/canton.tar.gz`
  return { url, server, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}
