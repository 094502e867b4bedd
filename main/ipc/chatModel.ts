import type { ChatModelInfo } from '../../preload/contract'
import { DEFAULT_PRICES } from '../engine/models/prices'
import { effectiveAgent } from '../engine/runtime/prompt'
import type { Engine } from '../engine/runtime/engine'
import type { AgentRef } from '../engine/runtime/context'
import type { StackEntry } from '../engine/schema/states'

/** Models the header's picker offers besides the configured ones: the priced catalog and the offline model. */
const CATALOG = [...Object.keys(DEFAULT_PRICES).filter((k) => !k.endsWith('/*')), 'local/scripted']

/** Which model answers on the branch: the configured one (with the conversation's override) and the newest answer's. */
export function modelInfo(engine: Engine, at: AgentRef, tail: readonly StackEntry[]): ChatModelInfo {
  const def = engine.deps.agents.find((a) => a.id === at.agentId)
  const overrides = engine.deps.overrides.get(at.conversationId, at.agentId)?.values ?? {}
  const configured = def?.type === 'llm' ? effectiveAgent(def, overrides, engine.deps.settings).model : null
  let lastAnswer: string | null = null
  let offline = false
  for (let i = tail.length - 1; i >= 0; i--) {
    const s = tail[i]!.state
    if (s.kind !== 'assistant_message') continue
    const meta = typeof s.meta === 'object' && s.meta !== null ? s.meta : {}
    offline = meta.offline === true
    lastAnswer = typeof meta.model === 'string' ? meta.model : null
    break
  }
  const configuredModels = engine.deps.agents.flatMap((a) => (a.type === 'llm' && a.llm_model ? [a.llm_model] : []))
  const choices = [...new Set([...(configured ? [configured] : []), ...configuredModels, ...CATALOG])]
  return { configured, overridden: typeof overrides.model === 'string', lastAnswer, offline, choices }
}
