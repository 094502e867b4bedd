/** One entry, linked from the least to the most recently used. */
interface Node<K, V> {
  key: K
  value: V
  older: Node<K, V> | null
  newer: Node<K, V> | null
}

/**
 * A Map bounded to `capacity` entries that drops the least recently used one when full. Used for
 * per-conversation caches of long-running processes (the app, rollout workers), so memory stays
 * flat however many conversations finish.
 *
 * The recency order is a doubly linked list beside the Map: a read moves its node to the newest
 * end by relinking four pointers. (Re-inserting the key in the Map instead, as before, left a
 * deleted slot in V8's hash table at every read of a key other than the newest, and the table
 * was rebuilt over and over: ~9 % of the CPU of 100 interleaved conversations.)
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, Node<K, V>>()
  private oldest: Node<K, V> | null = null
  private newest: Node<K, V> | null = null

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`LRU capacity must be at least 1, got ${capacity}`)
  }

  get size(): number {
    return this.map.size
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const node = this.map.get(key)
    if (node === undefined) return undefined
    if (node !== this.newest) {
      this.unlink(node)
      this.append(node)
    }
    return node.value
  }

  set(key: K, value: V): void {
    const node = this.map.get(key)
    if (node !== undefined) {
      node.value = value
      if (node !== this.newest) {
        this.unlink(node)
        this.append(node)
      }
      return
    }
    if (this.map.size >= this.capacity && this.oldest !== null) this.delete(this.oldest.key)
    const fresh: Node<K, V> = { key, value, older: null, newer: null }
    this.map.set(key, fresh)
    this.append(fresh)
  }

  /** The keys, least recently used first (a snapshot: deleting while iterating is safe). */
  keys(): K[] {
    const out: K[] = []
    for (let n = this.oldest; n !== null; n = n.newer) out.push(n.key)
    return out
  }

  delete(key: K): boolean {
    const node = this.map.get(key)
    if (node === undefined) return false
    this.map.delete(key)
    this.unlink(node)
    return true
  }

  clear(): void {
    this.map.clear()
    this.oldest = null
    this.newest = null
  }

  private unlink(node: Node<K, V>): void {
    if (node.older !== null) node.older.newer = node.newer
    else this.oldest = node.newer
    if (node.newer !== null) node.newer.older = node.older
    else this.newest = node.older
    node.older = null
    node.newer = null
  }

  private append(node: Node<K, V>): void {
    node.older = this.newest
    if (this.newest !== null) this.newest.newer = node
    else this.oldest = node
    this.newest = node
  }
}
