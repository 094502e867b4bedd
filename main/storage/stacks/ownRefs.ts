import { LruMap } from '../../engine/runtime/lru'
import type { ArtifactRef } from '../../engine/schema/artifacts'

const SEP = '\u0000'

/**
 * The ToolCall / AgentCall refs of the conversations this connection created with a generated id:
 * every state of them was pushed here, so a result's causal parent (the newest call state with its
 * id) is known without a lookup. Dropped with the other row copies (another connection committed,
 * a rollback, a structural change): the lookup then reads SQLite again. Bounded (LRU).
 */
export class OwnRefs {
  private readonly convs = new LruMap<string, Map<string, ArtifactRef>>(4096)

  /** `c` was just created here with a fresh id: it has no states anywhere yet. */
  adopt(c: string): void {
    this.convs.set(c, new Map())
  }

  /** The newest ref of the call state, null when there is none, undefined when not known here. */
  find(c: string, agent: string, kind: string, stateId: string): ArtifactRef | null | undefined {
    const refs = this.convs.get(c)
    if (!refs) return undefined
    return refs.get(agent + SEP + kind + SEP + stateId) ?? null
  }

  /** A call state was pushed (the newest with its id). */
  note(c: string, agent: string, kind: string, stateId: string, ref: ArtifactRef): void {
    this.convs.get(c)?.set(agent + SEP + kind + SEP + stateId, ref)
  }

  clear(): void {
    this.convs.clear()
  }
}
