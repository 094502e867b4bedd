import type { StateInput } from '../schema/states'
import { applyDedup, dedupKey, DEDUP_SKIPPED } from '../tools/dedup'
import { deriveIdempotencyKey } from '../tools/idempotency'
import { invokeTool, type InvokeContext } from '../tools/invoke'
import { isDelegationRequest, type ToolOutcome } from '../tools/types'
import { keyOf, type AgentRef, type RuntimeContext } from './context'
import { depthOf, expireDelegations, startDelegation } from './delegation'
import type { BranchStatus, OpenCall } from './tail'

type Awaiting = Extract<BranchStatus, { kind: 'awaiting_tools' }>

/**
 * Runs the calls of the open assistant message that have no result yet and are not running:
 * side-effect-free ones in parallel, the others one after another in message order. Every result
 * lands on the branch that asked (`at`), whatever is checked out by then. A call whose delegation
 * is under way only has its deadline checked.
 */
export function launchMissingCalls(ctx: RuntimeContext, at: AgentRef, status: Awaiting, origin: Parameters<typeof depthOf>[0]): void {
  const key = keyOf(at)
  const waitingChildren: { call: OpenCall; deadline: number; child: string }[] = []
  const parallel: OpenCall[] = []
  const serial: OpenCall[] = []
  for (const call of status.missing) {
    const started = status.delegations.get(call.spec.id)
    if (started) {
      const deadline = status.agentDeadlines.get(call.spec.id)
      if (deadline !== undefined && started.state.kind === 'agent_call') waitingChildren.push({ call, deadline, child: started.state.agentId })
      continue
    }
    const id = `${key}/${call.spec.id}`
    if (ctx.inFlight.has(id)) continue
    ctx.inFlight.add(id)
    const tool = ctx.deps.tools.get(call.spec.name)
    ;(tool?.sideEffectFree ? parallel : serial).push(call)
  }
  if (waitingChildren.length) expireDelegations(ctx, at, waitingChildren)
  for (const call of parallel) void runOne(ctx, at, call, origin)
  if (serial.length) {
    // Held for the whole chain: the conversation is not idle between two calls of it.
    const release = ctx.scheduler.hold(key)
    void (async () => {
      try {
        for (const call of serial) await runOne(ctx, at, call, origin)
      } finally {
        release()
      }
    })()
  }
}

async function runOne(ctx: RuntimeContext, at: AgentRef, call: OpenCall, origin: Parameters<typeof depthOf>[0]): Promise<void> {
  const key = keyOf(at)
  const release = ctx.scheduler.hold(key)
  const started = ctx.deps.clock.now()
  const { spec } = call
  ctx.tracing.startTool(at, spec, origin)
  try {
    if (ctx.events.wants('tool:start')) ctx.events.emit('tool:start', { ...at, callId: spec.id, name: spec.name, args: spec.arguments })
    // A resumed call may name a run-time tool (MCP) this process has not loaded yet.
    if (ctx.deps.toolRecorder?.mode !== 'replay' && ctx.deps.tools.needsPrepare([spec.name])) await ctx.deps.tools.prepare([spec.name])
    const tool = ctx.deps.tools.get(spec.name)
    const policy = ctx.deps.settings.dedupPolicy
    // The key (a hash of the canonical arguments) only matters to a policy that consults the seen-set.
    const dedup = tool
      ? applyDedup(policy, ctx.deps.dedupSeen ?? NO_SEEN, policy === 'none' ? '' : dedupKey({ conversationId: at.conversationId, agentId: at.agentId, branchId: at.branch, tool: spec.name, args: spec.arguments }), tool)
      : null
    const recorder = ctx.deps.toolRecorder
    // A tool that changes the world (a payment) runs only once the call that asked for it is durable.
    if (!tool?.sideEffectFree && !tool?.inProcess && recorder?.mode !== 'replay') ctx.flush()
    const outcome: ToolOutcome = dedup && !dedup.execute
      ? DEDUP_SKIPPED
      : recorder?.mode === 'replay'
        ? recorder.replay(spec.name, spec.arguments)
        : await invokeTool(ctx.deps.tools, spec.name, rawArgs(spec.arguments), new CallContext(ctx, at, call, tool?.timeoutMs))
    if (recorder?.mode === 'record') recorder.record(spec.name, spec.arguments, outcome, at.conversationId)
    ctx.tracing.toolOutcome(at, spec.id, outcome)
    if (ctx.events.wants('tool:end')) ctx.events.emit('tool:end', { ...at, callId: spec.id, name: spec.name, outcome, ms: ctx.deps.clock.now() - started })
    if (outcome.status === 'ok' && isDelegationRequest(outcome.result)) {
      const refused = startDelegation(ctx, at, call, outcome.result, depthOf(origin))
      if (refused) pushResult(ctx, at, call, { status: 'error', error: { code: 'DELEGATION_REFUSED', message: refused } })
      if (refused) ctx.tracing.toolOutcome(at, spec.id, { status: 'error', error: { code: 'DELEGATION_REFUSED', message: refused } })
      return
    }
    if (dedup?.duplicate) ctx.deps.artifacts.record({ type: 'metrics', sessionId: at.conversationId, agentId: at.agentId, branchId: at.branch, payload: { metric: 'duplicate_tool_call', tool: spec.name, action: dedup.metric }, tags: ['dedup', dedup.metric ?? 'allowed'] })
    pushResult(ctx, at, call, outcome)
  } catch (err) {
    ctx.tracing.toolThrew(at, spec.id, err)
    throw err
  } finally {
    ctx.tracing.endTool(at, spec.id)
    ctx.inFlight.delete(`${key}/${spec.id}`)
    release()
  }
}

function pushResult(ctx: RuntimeContext, at: AgentRef, call: OpenCall, outcome: ToolOutcome): void {
  const { id, name, arguments: args } = call.spec
  const state: StateInput = outcome.status === 'ok'
    ? { kind: 'tool_result', toolCallId: id, toolName: name, arguments: args, status: 'ok', result: outcome.result, reward: 1 }
    : { kind: 'tool_result', toolCallId: id, toolName: name, arguments: args, status: 'error', error: { code: outcome.error.code, message: outcome.error.message }, reward: 0 }
  ctx.push(at, [state])
  ctx.wake(at)
}

/** A call whose model arguments were not valid JSON keeps the raw text for the tool's error. */
const rawArgs = (args: Record<string, unknown>): unknown => (typeof args.__raw_arguments === 'string' ? args.__raw_arguments : args)

/** What {@link invokeTool} gets for one call of the branch `at`. */
class CallContext implements InvokeContext {
  readonly agentId: string
  readonly conversationId: string
  readonly branchId: string
  readonly ledger: InvokeContext['ledger']
  readonly cache: InvokeContext['cache']
  readonly timeoutMs: number
  readonly wallets: NonNullable<InvokeContext['wallets']>
  private key: string | undefined

  constructor(ctx: RuntimeContext, at: AgentRef, private readonly call: OpenCall, toolTimeoutMs: number | undefined) {
    this.agentId = at.agentId
    this.conversationId = at.conversationId
    this.branchId = at.branch
    this.ledger = ctx.tracing.ledgerFor(at, call.spec.id, ctx.deps.ledger)
    this.cache = ctx.deps.cache
    this.timeoutMs = toolTimeoutMs ?? ctx.deps.settings.toolTimeoutMs
    this.wallets = { initialBalance: ctx.deps.settings.initialBalance, knownAgents: knownAgentsOf(ctx.deps.agents) }
  }

  /**
   * The ToolCall entry is shared by every fork that copied it, so its ref names the call. Derived
   * (a hash of the canonical arguments) only when a tool reads it: the ledger tools.
   */
  get idempotencyKey(): string {
    const { spec, entry, position } = this.call
    return (this.key ??= deriveIdempotencyKey({ conversationId: this.conversationId, lineage: [entry.ref], position: entry.index, callIndex: position, tool: spec.name, args: spec.arguments }))
  }
}

const NO_SEEN = { markSeen: () => false, forget: () => {} }

/** The configured agent ids, once per agent list (an engine's is fixed). */
const knownAgentSets = new WeakMap<readonly { id: string }[], ReadonlySet<string>>()
function knownAgentsOf(agents: readonly { id: string }[]): ReadonlySet<string> {
  let set = knownAgentSets.get(agents)
  if (!set) knownAgentSets.set(agents, (set = new Set(agents.map((a) => a.id))))
  return set
}
