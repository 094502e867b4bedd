import type { ArtifactRow } from '../../preload/contract'
import type { ArtifactHeader } from '../engine/schema/artifacts'
import type { HandlerTable } from './register'
import { requireEngine, type AppServices } from './services'

type ArtifactsChannel = Extract<keyof HandlerTable, `artifacts:${string}`>

const row = (h: ArtifactHeader): ArtifactRow => ({
  ref: h.ref,
  ts: h.ts,
  type: h.type,
  role: h.role,
  sessionId: h.sessionId,
  agentId: h.agentId,
  branchId: h.branchId,
  stepIdx: h.stepIdx,
  stateKind: h.stateKind,
  tags: h.tags,
  score: h.score,
  rawLen: h.rawLen,
})

const matches = (h: ArtifactHeader, needle: string): boolean =>
  [h.ref, h.sessionId, h.agentId, h.role, h.stateKind ?? '', h.stateId ?? '', ...h.tags].some((f) => f.toLowerCase().includes(needle))

/** Handlers of `artifacts:*`. Text search runs over header fields of the newest 10 000 matches. */
export function artifactsHandlers(services: AppServices): Pick<HandlerTable, ArtifactsChannel> {
  return {
    'artifacts:query': (input) => {
      const { artifacts, stacks } = requireEngine(services).deps
      const limit = input.limit ?? 5000
      const needle = input.text?.trim().toLowerCase() ?? ''
      const headers = artifacts.query({
        ...(input.sessionId ? { sessionId: input.sessionId } : {}),
        ...(input.agentId ? { agentId: input.agentId } : {}),
        ...(input.type ? { type: input.type } : {}),
        ...(input.tag ? { tag: input.tag } : {}),
        limit: needle ? 10_000 : Math.min(10_000, limit + 1),
      })
      const found = needle ? headers.filter((h) => matches(h, needle)) : headers
      const conversations = stacks.listConversations().map((c) => ({ id: c.id, name: c.name }))
      return {
        rows: found.slice(0, limit).map(row),
        truncated: found.length > limit || (needle !== '' && headers.length === 10_000),
        sessions: conversations.map((c) => c.id),
        conversations,
        types: artifacts.countByType(input.sessionId ? { sessionId: input.sessionId } : {}),
      }
    },
    'artifacts:get': (input) => {
      const a = requireEngine(services).deps.artifacts.get(input.ref)
      return { header: { ...a.header }, payload: a.payload }
    },
    'artifacts:diff': (input) => ({ diff: requireEngine(services).deps.artifacts.diff(input.left, input.right) }),
  }
}
