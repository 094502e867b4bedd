import { createReadStream, existsSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

/**
 * Resolves a URL path inside `root`; null for anything that escapes it or is not a file.
 * Unknown paths without an extension fall back to `index.html` (client-side routes).
 */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const base = resolve(root)
  const target = resolve(base, '.' + normalize('/' + decoded))
  if (target !== base && !target.startsWith(base + sep)) return null
  if (existsSync(target) && statSync(target).isFile()) return target
  if (!extname(decoded)) return join(base, 'index.html')
  return null
}

/** Streams one file with its content type; 404 when it is missing. */
export function sendFile(res: ServerResponse, file: string | null, headers: Record<string, string>): void {
  if (!file || !existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers })
    res.end('Not found')
    return
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    // Hashed assets never change; the HTML must always be fresh.
    'cache-control': file.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    ...headers,
  })
  createReadStream(file).pipe(res)
}
