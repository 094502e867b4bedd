/**
 * An object whose members are made on first read (then kept as plain data properties): a store's
 * prepared statements, most of which a short command never runs. Preparing all ~20 of the
 * ledger's at once cost ~1–2 ms of every cold `p2engine ledger …` command.
 */
export function lazily<M extends Record<string, () => unknown>>(make: M): { [K in keyof M]: ReturnType<M[K]> } {
  const out = {} as { [K in keyof M]: ReturnType<M[K]> }
  for (const key of Object.keys(make) as (keyof M & string)[]) {
    Object.defineProperty(out, key, {
      configurable: true,
      enumerable: true,
      get() {
        const value = make[key]!()
        Object.defineProperty(out, key, { value, enumerable: true, writable: false, configurable: false })
        return value
      },
    })
  }
  return out
}
