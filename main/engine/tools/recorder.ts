import { SEEN_CAPACITY } from '../models/recording'
import { LruMap } from '../runtime/lru'
import { hashCanonical } from './canonicalJson'
import type { ToolOutcome } from './types'

/** Where recorded tool outcomes live (the SQLite store shares the model recordings table). */
export interface ToolRecordingStore {
  get(hash: string, ordinal: number): ToolOutcome | undefined
  put(hash: string, ordinal: number, tool: string, args: unknown, outcome: ToolOutcome, conversationId?: string): void
}

/**
 * Record/replay for tool calls, next to the model's: in `record` mode every outcome is stored;
 * in `replay` mode the recorded outcome is returned and the tool does not run, so a replayed
 * conversation has the same transcript (model requests hash the same) and no side effects: no
 * network, no second payment. Identical calls are told apart by their occurrence.
 */
export class ToolRecorder {
  /** Occurrences per call in this run, bounded like the model recorder's (flat memory in long-running processes). */
  private readonly seen: LruMap<string, number>
  constructor(
    private readonly store: ToolRecordingStore,
    readonly mode: 'record' | 'replay',
    seenCapacity = SEEN_CAPACITY,
  ) {
    this.seen = new LruMap(seenCapacity)
  }

  private next(tool: string, args: unknown): { hash: string; ordinal: number } {
    const hash = `tool:${tool}:${hashCanonical({ tool, args })}`
    const ordinal = this.seen.get(hash) ?? 0
    this.seen.set(hash, ordinal + 1)
    return { hash, ordinal }
  }

  /** Replay mode: the recorded outcome, or an error outcome naming the miss. */
  replay(tool: string, args: unknown): ToolOutcome {
    const { hash, ordinal } = this.next(tool, args)
    return this.store.get(hash, ordinal) ?? {
      status: 'error',
      error: { code: 'REPLAY_MISS', message: `replay miss: no recorded outcome of ${tool} for these arguments (occurrence ${ordinal + 1}); re-run without --replay to record it` },
    }
  }

  /** `conversationId`: the conversation the call was made for (bundles carry their conversations' recordings). */
  record(tool: string, args: unknown, outcome: ToolOutcome, conversationId?: string): void {
    const { hash, ordinal } = this.next(tool, args)
    this.store.put(hash, ordinal, tool, args, outcome, conversationId)
  }
}
