import { ProviderError } from '../errors'
import type { CompleteOptions, ModelProvider, ModelRequest, ModelResponse } from '../ports/model'
import { LruMap } from '../runtime/lru'
import { canonicalJson, sha256Hex } from '../tools/canonicalJson'

/** One stored model exchange. */
export interface RecordedExchange {
  /** {@link requestHash} of the request. */
  hash: string
  /** 0 for the first request with this hash in a run, 1 for the second identical one, … */
  ordinal: number
  request: ModelRequest
  response: ModelResponse
  /** ISO-8601 time of recording. */
  recordedAt: string
  /** The conversation the call was made for (bundles carry their conversations' recordings). */
  conversationId?: string
}

/**
 * Where recordings live. The in-memory store serves tests; the SQLite store implements the same
 * two calls over a table keyed by (hash, ordinal).
 */
export interface RecordingStore {
  get(hash: string, ordinal: number): Promise<RecordedExchange | undefined>
  /** Stores or replaces the exchange at (hash, ordinal). */
  put(exchange: RecordedExchange): Promise<void>
}

export class MemoryRecordingStore implements RecordingStore {
  private readonly map = new Map<string, RecordedExchange>()
  async get(hash: string, ordinal: number): Promise<RecordedExchange | undefined> {
    const e = this.map.get(`${hash}#${ordinal}`)
    return e && structuredClone(e)
  }
  async put(exchange: RecordedExchange): Promise<void> {
    this.map.set(`${exchange.hash}#${exchange.ordinal}`, structuredClone(exchange))
  }
  get size(): number {
    return this.map.size
  }
}

/**
 * The canonical JSON text of the parts of a request that decide the answer (key order and
 * `undefined` ignored). A recording stores it parsed and is keyed by its hash: one
 * canonicalisation serves both (the request carries the system prompt and every tool schema).
 */
function canonicalRequestText(req: ModelRequest): string {
  return canonicalJson({
    model: req.model,
    messages: req.messages,
    tools: req.tools ?? [],
    toolChoice: req.toolChoice,
    temperature: req.temperature,
    topP: req.topP,
    maxTokens: req.maxTokens,
    seed: req.seed,
  })
}

/** The parts of a request that decide the answer, canonicalised (key order and `undefined` ignored). */
export const canonicalRequest = (req: ModelRequest): ModelRequest => JSON.parse(canonicalRequestText(req)) as ModelRequest

/**
 * Stable SHA-256 hex of the canonical request. The same value as hashing `canonicalRequest(req)`
 * again (canonical JSON of its own parse is itself), so recordings made before keep their keys.
 */
export const requestHash = (req: ModelRequest): string => sha256Hex(canonicalRequestText(req))

export type RecordingMode = 'record' | 'replay'

/** Distinct requests whose occurrences a recorder or replayer counts at once (see `RecordingProvider.seen`). */
export const SEEN_CAPACITY = 65_536

/**
 * Record/replay around any provider. `record`: every call goes to `inner` and the exchange is
 * stored. `replay`: answers come only from the store — `inner` is never called, so no network —
 * and a request with no recording is a loud {@link ProviderError} (`REPLAY_MISS`) naming the hash
 * and the model. Identical requests within one run are told apart by their ordinal, so a rollout
 * that asks the same thing twice replays both answers in order.
 */
export class RecordingProvider implements ModelProvider {
  readonly label: string
  /**
   * Occurrences per request hash in this run. Bounded, so a long-running app or worker keeps flat
   * memory: a request not among the last `seenCapacity` distinct ones counts from the first again,
   * as it does after a restart.
   */
  private readonly seen: LruMap<string, number>

  constructor(
    private readonly inner: ModelProvider | null,
    private readonly store: RecordingStore,
    readonly mode: RecordingMode,
    seenCapacity = SEEN_CAPACITY,
  ) {
    this.seen = new LruMap(seenCapacity)
    if (mode === 'record' && !inner) throw new ProviderError('recording needs a model provider to record from', 'RECORDING')
    this.label = mode === 'replay' ? 'replay (recorded answers, no network)' : `recording ${inner!.label}`
  }

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    const canonical = canonicalRequestText(request)
    const hash = sha256Hex(canonical)
    const ordinal = this.seen.get(hash) ?? 0
    this.seen.set(hash, ordinal + 1)
    if (this.mode === 'replay') {
      const hit = await this.store.get(hash, ordinal)
      if (!hit) {
        throw new ProviderError(
          `replay miss: no recorded answer for request ${hash} (occurrence ${ordinal + 1}) to model ${request.model}; ` +
            'the conversation differs from the recording — re-run without --replay to record it',
          'REPLAY_MISS',
        )
      }
      if (hit.response.message.content && options.onToken) {
        for (const piece of hit.response.message.content.match(/\S+\s*|\s+/g) ?? []) options.onToken(piece)
      }
      return { ...hit.response, replayed: true }
    }
    const response = await this.inner!.complete(request, options)
    await this.store.put({
      hash, ordinal, request: JSON.parse(canonical) as ModelRequest, response, recordedAt: new Date().toISOString(),
      ...(options.conversationId ? { conversationId: options.conversationId } : {}),
    })
    return response
  }
}
