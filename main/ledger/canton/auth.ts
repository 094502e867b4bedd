import { createHmac } from 'node:crypto'

/** How requests to the JSON Ledger API authenticate. */
export type CantonAuth =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  /** Dev setups: a JWT minted locally and signed HS256 with a shared secret (`--allow-insecure-tokens` style). */
  | { kind: 'hs256'; secret: string; userId: string; audience?: string; ttlSeconds?: number }

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')

/**
 * Mints a Canton 3 scope-based user token: `{ sub: userId, scope: "daml_ledger_api", aud?, iat, exp }`,
 * signed HS256 with `secret`. Only for local development ledgers.
 */
export function mintHs256Jwt(secret: string, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const payload = b64url(JSON.stringify(claims))
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}

/** Returns a function giving the current `Authorization` header value (undefined for no auth). */
export function authHeaderProvider(auth: CantonAuth, now: () => number = () => Math.floor(Date.now() / 1000)): () => string | undefined {
  if (auth.kind === 'none') return () => undefined
  if (auth.kind === 'token') return () => `Bearer ${auth.token}`
  const ttl = auth.ttlSeconds ?? 3600
  let cached: { token: string; exp: number } | undefined
  return () => {
    const t = now()
    if (!cached || cached.exp - 60 <= t) {
      const exp = t + ttl
      const claims: Record<string, unknown> = { sub: auth.userId, scope: 'daml_ledger_api', iat: t, exp }
      if (auth.audience) claims.aud = auth.audience
      cached = { token: mintHs256Jwt(auth.secret, claims), exp }
    }
    return `Bearer ${cached.token}`
  }
}
