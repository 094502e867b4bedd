import type { OverridesView } from '../../preload/contract'
import type { Engine } from '../engine/runtime/engine'
import type { OverridePatch } from '../engine/schema/overrides'
import type { HandlerTable } from './register'
import { requireEngine, type AppServices } from './services'

type OverridesChannel = Extract<keyof HandlerTable, `overrides:${string}`>

function view(engine: Engine, conversationId: string, agentId: string): OverridesView {
  const def = engine.requireAgent(agentId)
  const stored = engine.deps.overrides.get(conversationId, agentId)
  return {
    conversationId,
    agentId,
    values: stored?.values ?? {},
    locked: stored?.locked ?? false,
    updatedAt: stored?.updatedAt ?? null,
    defaults: {
      model: def.type === 'llm' ? def.llm_model : null,
      persona: def.type === 'llm' ? def.behavior_template : null,
      tools: def.type === 'llm' ? def.tools : [],
    },
    available: { personas: engine.deps.templates.personas(), tools: engine.deps.tools.names() },
  }
}

/** Handlers of `overrides:*`: per-conversation model, persona and tools (unknown tools/personas refused). */
export function overridesHandlers(services: AppServices): Pick<HandlerTable, OverridesChannel> {
  return {
    'overrides:get': (input) => {
      const engine = requireEngine(services)
      const at = engine.target(input.conversationId, input.agentId)
      return view(engine, at.conversationId, at.agentId)
    },
    'overrides:set': (input) => {
      const engine = requireEngine(services)
      const at = engine.target(input.conversationId, input.agentId)
      const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined)) as OverridePatch
      for (const t of patch.tools ?? []) engine.deps.tools.require(t)
      if (patch.behavior_template) engine.deps.templates.persona(patch.behavior_template, '')
      engine.deps.overrides.patch(at.conversationId, at.agentId, patch, input.lock ? { lock: true } : {})
      return view(engine, at.conversationId, at.agentId)
    },
  }
}
