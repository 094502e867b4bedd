/**
 * A Map bounded to `capacity` entries that drops the least recently used one when full. Used for
 * per-conversation caches of long-running processes (the app, rollout workers), so memory stays
 * flat however many conversations finish.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>()
  /** The most recently used key (the map's last): reading it again needs no reordering. */
  private newest: K | undefined
  private hasNewest = false

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`LRU capacity must be at least 1, got ${capacity}`)
  }

  get size(): number {
    return this.map.size
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v === undefined) return undefined
    // A turn reads its conversation many times in a row: only a different key moves to the end.
    if (this.hasNewest && this.newest === key) return v
    this.map.delete(key)
    this.map.set(key, v)
    this.newest = key
    this.hasNewest = true
    return v
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as K)
    this.map.set(key, value)
    this.newest = key
    this.hasNewest = true
  }

  /** The keys, least recently used first (a snapshot: deleting while iterating is safe). */
  keys(): K[] {
    return [...this.map.keys()]
  }

  delete(key: K): boolean {
    if (this.hasNewest && this.newest === key) this.forgetNewest()
    return this.map.delete(key)
  }

  clear(): void {
    this.forgetNewest()
    this.map.clear()
  }

  private forgetNewest(): void {
    this.newest = undefined
    this.hasNewest = false
  }
}
