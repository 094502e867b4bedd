import { beforeEach, describe, expect, it } from 'vitest'
import { openaiAgentsTurns, openaiAgentsWorkloads, referenceCounts } from '../../bench/openaiAgents'

// The bench compares workloads A–C with the same turns run by @openai/agents: these check that the
// reference really runs them (the tool is called, each model twice) and not a shortcut.
describe('the @openai/agents reference of the engine bench', () => {
  beforeEach(() => {
    referenceCounts.calls.clear()
    referenceCounts.toolRuns = 0
  })

  it('A: the model asks for get_weather, the tool runs, the model answers', async () => {
    const w = openaiAgentsWorkloads()
    expect(await openaiAgentsTurns(w.runner, w.weather, 3, 1)).toBeGreaterThan(0)
    expect([referenceCounts.toolRuns, Object.fromEntries(referenceCounts.calls)]).toEqual([3, { 'bench/instant': 6 }])
  })

  it('C: the parent calls the weather agent as a tool, which runs its own turn', async () => {
    const w = openaiAgentsWorkloads()
    await openaiAgentsTurns(w.runner, w.parent, 2, 1)
    expect([referenceCounts.toolRuns, Object.fromEntries(referenceCounts.calls)]).toEqual([2, { 'bench/parent': 4, 'bench/instant': 4 }])
  })

  it('fails loudly when a turn does not end with the weather', async () => {
    const w = openaiAgentsWorkloads()
    w.weather.tools.length = 0 // no tool: the scripted model's call cannot be answered
    await expect(openaiAgentsTurns(w.runner, w.weather, 1, 1)).rejects.toThrow()
  })
})
