/** Separates the parts of a cache key (ids never contain it). */
export const KEY_SEP = '\u0000'

/**
 * Joins the parts of a cache key, remembering the last join: a turn asks for the same
 * conversation's keys many times in a row, and a Map lookup with a freshly concatenated key first
 * flattens and hashes it (~3× the lookup itself); the remembered string is hashed once.
 */
export class CacheKey {
  private a?: string
  private b?: string
  private c?: string
  private key = ''

  /** `a`, `b` and `c` joined (`c` omitted: `a` and `b`). */
  of(a: string, b: string, c?: string): string {
    if (a === this.a && b === this.b && c === this.c) return this.key
    this.a = a
    this.b = b
    this.c = c
    return (this.key = c === undefined ? a + KEY_SEP + b : a + KEY_SEP + b + KEY_SEP + c)
  }
}
