import { describe, expect, it } from 'vitest'
import { judgeSystemPrompt, resolveRubric } from '../evals/judge'
import type { ChatMessage } from '../ports/model'
import type { ChatMessage as WireMessage } from '../stacks/render'
import { CONFIG_DIR } from '../testing/engineHarness'
import { judgeVerdict, rubricOf } from './scriptedJudge'

/** The judge request gpt4_judge sends: judge_prompt.j2 with the rubric, then the trajectory. */
function verdict(rubric: string | undefined, traj: ChatMessage[]): { score: number; comment: string } {
  const system = judgeSystemPrompt(CONFIG_DIR, resolveRubric(CONFIG_DIR, rubric).text, [] as WireMessage[])
  return JSON.parse(judgeVerdict([{ role: 'system', content: system }, ...traj])) as { score: number; comment: string }
}
const chat = (task: string, answer: string): ChatMessage[] => [{ role: 'user', content: task }, { role: 'assistant', content: answer }]

const STORY = "Life on the ISS starts with fifteen sunrises. Breakfast floats away. The treadmill goes nowhere fast. Haircuts need a vacuum. Socks vanish behind panels. Sleeping bags hang on walls. Mission Control calls at six. Coffee is recycled. The party had no atmosphere. The rent is astronomical!"

describe('offline judge', () => {
  it('reads the rubric out of the rendered judge prompt', () => {
    const system = judgeSystemPrompt(CONFIG_DIR, 'Score based on:\n- Checked own balance (0.2)', [])
    expect(rubricOf(system)).toBe('Score based on:\n- Checked own balance (0.2)')
  })

  it('joke_quality: a joke that follows the rules beats a short one, which beats no joke', () => {
    const good = verdict('joke_quality', chat('Write a hilarious 10-sentence story about the ISS. Finish with a pun.', STORY))
    const cut = verdict('joke_quality', chat('In exactly eight sentences, tell a funny anecdote, ending with a joke.', STORY.split('. ').slice(0, 4).join('. ')))
    const none = verdict('joke_quality', chat('Draft a serious memo. Do not use any humour or jokes.', '[offline scripted model] No language model is configured, so this is a canned reply. You said: "Draft a memo with jokes?"'))
    expect(good.score).toBeGreaterThan(cut.score)
    expect(cut.score).toBeGreaterThan(none.score)
    expect(good.score).toBeGreaterThanOrEqual(0.9)
    expect(none.score).toBeLessThanOrEqual(0.1)
    expect(good.comment).toMatch(/^\[offline scripted judge\] 0\.\d\d: ✓ ≥ 8 sentences; ✓ Ends with exactly one punch-line/)
    expect(none.comment).toMatch(/✗ the offline model could not answer; ✓ no jokes, as asked\.$/)
  })

  it('weighted rubric lines are checked against the tool calls: a full payment beats a partial one beats none', () => {
    const rubric = 'Score based on:\n- Checked own balance (0.2)\n- Checked agent_helper balance (0.2)\n- Transferred exactly 15 units to agent_helper (0.6)'
    const task = 'Check your own balance, check agent_helper\'s balance and transfer 15 units to agent_helper.'
    const call = (id: string, name: string, args: object): ChatMessage => ({ role: 'assistant', content: null, toolCalls: [{ id, name, arguments: JSON.stringify(args) }] })
    const result = (id: string, body: object): ChatMessage => ({ role: 'tool', toolCallId: id, content: JSON.stringify(body) })
    const own = [call('a', 'check_balance', {}), result('a', { agent: 'agent_alpha', balance: '100.0' })]
    const paid = [call('c', 'transfer_funds', { to_agent: 'agent_helper', amount: 15 }), result('c', { transferred: '15', to: 'agent_helper', new_balance: '85.0' })]
    const failed = [call('c', 'transfer_funds', { to_agent: 'agent_helper', amount: 15 }), result('c', { status: 'error', error: 'Insufficient balance' })]
    const full = verdict(rubric, [{ role: 'user', content: task }, ...own, call('b', 'check_balance', { agent_id: 'agent_helper' }), result('b', { agent: 'agent_helper', balance: '100.0' }), ...paid, { role: 'assistant', content: 'Your balance is 100.00. agent_helper has 100.00. Sent 15 to agent_helper; your balance is 85.00.' }])
    const partial = verdict(rubric, [{ role: 'user', content: task }, ...own, ...paid, { role: 'assistant', content: 'Sent 15 to agent_helper; your balance is 85.00.' }])
    const none = verdict(rubric, [{ role: 'user', content: task }, ...own, ...failed, { role: 'assistant', content: "I couldn't send 15 to agent_helper: Insufficient balance." }])
    expect([full.score, partial.score, none.score]).toStrictEqual([1, 0.8, 0.25])
    expect(partial.comment).toBe('[offline scripted judge] 0.80: ✓ Checked own balance; ✗ Checked agent_helper balance; ✓ Transferred exactly 15 units to age…; ~ addresses the task; ✓ 2/2 tool calls succeeded.')
    expect(none.comment).toMatch(/✗ Transferred exactly 15 units to age…; .*~ 1\/2 tool calls succeeded\.$/)
  })

  it('is deterministic, and an empty answer scores 0', () => {
    const a = verdict(undefined, chat('Weather in Paris?', "It's 22 °C in Paris."))
    expect(verdict(undefined, chat('Weather in Paris?', "It's 22 °C in Paris."))).toStrictEqual(a)
    expect(a.score).toBeGreaterThan(verdict(undefined, chat('Weather in Paris?', 'Bananas are yellow.')).score)
    expect(verdict(undefined, [{ role: 'user', content: 'hi' }])).toStrictEqual({ score: 0, comment: '[offline scripted judge] 0.00: no final answer.' })
  })
})
