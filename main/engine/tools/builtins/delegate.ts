import { z } from 'zod'
import { ToolError } from '../../errors'
import { defineTool } from '../defineTool'
import type { DelegationRequest } from '../types'

/**
 * `delegate`: asks another agent in the same conversation to handle a sub-task. The tool only
 * returns a {@link DelegationRequest}; the runtime (post-effect `agent_call`) does the work.
 */
export const delegateTool = defineTool({
  name: 'delegate',
  description: 'Spawn (or wake) another agent **in the same conversation** and ask it to handle a sub-task.',
  // The original kept keys it did not know; so does this.
  input: z.looseObject({ agent_id: z.string(), message: z.string() }),
  requiresContext: true,
  sideEffectFree: true,
  postEffects: ['agent_call'],
  run(args, ctx): DelegationRequest {
    const { agent_id, message, ...extra } = args
    if (agent_id.trim() === '') throw new ToolError('agent_id must name an agent', 'BAD_AGENT')
    if (agent_id === ctx.agentId) throw new ToolError(`agent ${agent_id} cannot delegate to itself`, 'SELF_DELEGATION')
    return { type: 'delegation', status: 'queued', childAgentId: agent_id, message, extra }
  },
})
