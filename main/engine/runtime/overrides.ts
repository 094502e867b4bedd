import { UserInputError } from '../errors'
import type { OverrideStore, StoredOverrides } from '../ports/overrides'
import type { AgentOverrides, OverridePatch } from '../schema/overrides'

/** Applies a patch to stored overrides with the lock rule; pure, shared by every OverrideStore. */
export function applyOverridePatch(
  current: StoredOverrides | null,
  patch: OverridePatch,
  options: { lock?: boolean },
  where: string,
  now: number,
): StoredOverrides {
  if (current?.locked && !options.lock) {
    throw new UserInputError(`overrides of ${where} are locked; repeat the command with --lock to change them`, 'OVERRIDES_LOCKED')
  }
  const values: Record<string, unknown> = { ...(current?.values ?? {}) }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null && k !== 'behavior_template') delete values[k]
    else if (v !== undefined) values[k] = v
  }
  return { values: values as AgentOverrides, locked: Boolean(options.lock) || Boolean(current?.locked), updatedAt: now }
}

/** In-memory {@link OverrideStore} for tests. */
export class MemoryOverrideStore implements OverrideStore {
  private readonly map = new Map<string, StoredOverrides>()
  get(c: string, a: string): StoredOverrides | null {
    return this.map.get(`${c}\u0000${a}`) ?? null
  }
  patch(c: string, a: string, patch: OverridePatch, options: { lock?: boolean } = {}): StoredOverrides {
    const next = applyOverridePatch(this.get(c, a), patch, options, `agent ${a} in conversation ${c}`, Date.now())
    this.map.set(`${c}\u0000${a}`, next)
    return next
  }
  replace(c: string, a: string, values: AgentOverrides, options: { lock?: boolean } = {}): StoredOverrides {
    const next = { values, locked: Boolean(options.lock), updatedAt: Date.now() }
    this.map.set(`${c}\u0000${a}`, next)
    return next
  }
}
