import { describe, expect, it } from 'vitest'
import { toolResultSentence } from './scriptedSentences'

const say = (name: string, args: unknown, result: unknown) => toolResultSentence(name, JSON.stringify(args), JSON.stringify(result))
const fail = (name: string, args: unknown, message: string) => say(name, args, { status: 'error', error: message })

describe('offline sentences for tool results', () => {
  it('get_weather and get_league_leader', () => {
    expect(say('get_weather', { location: 'Paris', unit: 'celsius' }, { location: 'Paris', temperature: 22, unit: 'celsius', reward: 1 })).toBe("It's 22 °C in Paris.")
    expect(say('get_weather', { location: 'tokyo' }, { location: 'Tokyo', temperature: 50, unit: 'fahrenheit' })).toBe("It's 50 °F in Tokyo.")
    expect(say('get_league_leader', { league: 'La Liga' }, { league: 'La Liga', leader: 'Real Madrid' })).toBe('Real Madrid leads La Liga.')
  })

  it('transfer_funds keeps the reason and gives the new balance with two decimals', () => {
    const sent = { transferred: '25', from: 'agent_alpha', to: 'agent_beta', new_balance: '75.0', deduplicated: false, message: 'Successfully transferred 25 to agent_beta' }
    expect(say('transfer_funds', {}, { ...sent, reason: 'helping with analysis' })).toBe('Sent 25 to agent_beta for helping with analysis; your balance is 75.00.')
    expect(say('transfer_funds', {}, { ...sent, reason: 'Equal team distribution' })).toBe('Sent 25 to agent_beta with the note "Equal team distribution"; your balance is 75.00.')
    expect(say('transfer_funds', {}, { ...sent, reason: 'Transfer via tool call' })).toBe('Sent 25 to agent_beta; your balance is 75.00.')
    expect(say('transfer_funds', {}, { ...sent, reason: 'lunch', deduplicated: true })).toBe('Sent 25 to agent_beta for lunch (this repeats an earlier identical call, so nothing was paid twice); your balance is 75.00.')
  })

  it('reward_agent, check_balance and transaction_history', () => {
    expect(say('reward_agent', { agent_id: 'agent_helper' }, { transferred: '10', to: 'agent_helper', reason: 'Reward: Good work!', new_balance: '90.0' })).toBe('Rewarded agent_helper with 10 (Good work!); your balance is 90.00.')
    expect(say('check_balance', {}, { agent: 'agent_alpha', balance: '100.0', formatted: '100.00' })).toBe('Your balance (agent_alpha) is 100.00.')
    expect(say('check_balance', { agent_id: 'agent_beta' }, { agent: 'agent_beta', balance: '112.35', formatted: '112.35' })).toBe('agent_beta has 112.35.')
    expect(say('transaction_history', {}, { agent: 'agent_alpha', count: 0, transactions: [] })).toBe('agent_alpha has no transactions yet.')
    expect(say('transaction_history', {}, {
      agent: 'agent_alpha', count: 2,
      transactions: [
        { type: 'received', amount: '1.0', other_party: 'agent_beta', reason: 'two', timestamp: 1 },
        { type: 'sent', amount: '3.0', other_party: 'agent_beta', reason: 'Transfer via tool call', timestamp: 1 },
      ],
    })).toBe('agent_alpha has 2 transactions, newest first: received 1.00 from agent_beta (two); sent 3.00 to agent_beta.')
  })

  it('delegate relays the child’s answer as a sentence, without its offline label or JSON', () => {
    const answer = "[offline scripted model] It's 22 °C in Paris."
    expect(say('delegate', { agent_id: 'agent_helper', message: 'weather in Paris?' }, { status: 'success', child: 'agent_helper', answer })).toBe("agent_helper says: It's 22 °C in Paris.")
    expect(say('delegate', { agent_id: 'agent_helper' }, { status: 'success', child: 'agent_helper', answer: 'yes, approved' })).toBe('agent_helper says: yes, approved.')
  })

  it('errors say what failed in a plain sentence', () => {
    expect(fail('get_weather', { location: 'Atlantis' }, "Weather data for 'Atlantis' not found.")).toBe("I couldn't get the weather for Atlantis: Weather data for 'Atlantis' not found.")
    expect(fail('transfer_funds', { to_agent: 'agent_beta', amount: 500 }, 'Insufficient balance: agent_alpha has 100.0, the transfer needs 500.0'))
      .toBe("I couldn't send 500 to agent_beta: Insufficient balance: agent_alpha has 100.0, the transfer needs 500.0.")
    expect(fail('check_balance', { agent_id: 'nobody' }, 'no wallet for agent "nobody"')).toBe(`I couldn't check nobody's balance: no wallet for agent "nobody".`)
    expect(fail('delegate', { agent_id: 'agent_helper' }, 'agent agent_helper did not answer within 30 s')).toBe("I couldn't get an answer from agent_helper: agent agent_helper did not answer within 30 s.")
    expect(fail('reward_agent', { agent_id: 'agent_helper' }, 'x')).toBe("I couldn't reward agent_helper: x.")
    expect(fail('transaction_history', {}, 'the ledger is not available in this run')).toBe("I couldn't read the transaction history: the ledger is not available in this run.")
    expect(fail('get_league_leader', { league: 'Serie Z' }, "League 'Serie Z' not found.")).toBe("I couldn't find the leader of Serie Z: League 'Serie Z' not found.")
    expect(fail('my_tool', {}, 'boom')).toBe("I couldn't run my_tool: boom.")
  })

  it('other tools: their values as words, not JSON', () => {
    expect(say('lookup', {}, { first_name: 'Ada', year: 1815 })).toBe('lookup gave first name Ada, year 1815.')
    expect(toolResultSentence('echo', '{}', 'plain text')).toBe('echo said: plain text.')
  })
})
