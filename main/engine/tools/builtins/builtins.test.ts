import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EmbeddedLedger } from '../../../storage/ledger/embeddedLedger'
import { openStore, type SqliteStore } from '../../../storage/sqliteStore'
import { invokeTool, type InvokeContext } from '../invoke'
import { builtinRegistry } from './index'
import { convertTemperature } from './weather'

const reg = builtinRegistry()
const base: InvokeContext = { agentId: 'agent_alpha', conversationId: 'c1', branchId: 'main', idempotencyKey: 'call-1' }

describe('get_weather', () => {
  it('answers from the table, converting units to one decimal', async () => {
    expect(await invokeTool(reg, 'get_weather', { location: 'Paris' }, base)).toStrictEqual({
      status: 'ok', result: { location: 'Paris', temperature: 71.6, unit: 'fahrenheit' }, cached: false,
    })
    expect(await invokeTool(reg, 'get_weather', { location: 'san francisco', unit: 'Celsius' }, base)).toStrictEqual({
      status: 'ok', result: { location: 'San Francisco', temperature: 22.2, unit: 'celsius' }, cached: false,
    })
    expect(convertTemperature(10, 'celsius', 'fahrenheit')).toBe(50)
  })
  it('rejects an unknown unit', async () => {
    expect(await invokeTool(reg, 'get_weather', { location: 'Tokyo', unit: 'kelvin' }, base)).toStrictEqual({
      status: 'error', error: { code: 'BAD_UNIT', message: 'unit must be "celsius" or "fahrenheit", got "kelvin"' },
    })
  })
  it('get_league_leader', async () => {
    expect(await invokeTool(reg, 'get_league_leader', { league: 'La Liga' }, base)).toStrictEqual({
      status: 'ok', result: { league: 'La Liga', leader: 'Real Madrid' }, cached: false,
    })
  })
})

describe('delegate', () => {
  it('returns a delegation request, keeping extra keys', async () => {
    expect(await invokeTool(reg, 'delegate', { agent_id: 'agent_helper', message: 'weather in Paris?', urgency: 'high' }, base)).toStrictEqual({
      status: 'ok',
      result: { type: 'delegation', status: 'queued', childAgentId: 'agent_helper', message: 'weather in Paris?', extra: { urgency: 'high' } },
      cached: false,
    })
  })
  it('refuses self-delegation', async () => {
    expect(await invokeTool(reg, 'delegate', { agent_id: 'agent_alpha', message: 'x' }, base)).toStrictEqual({
      status: 'error', error: { code: 'SELF_DELEGATION', message: 'agent agent_alpha cannot delegate to itself' },
    })
  })
})

describe('ledger tools', () => {
  let store: SqliteStore
  let ledger: EmbeddedLedger
  let ctx: InvokeContext
  beforeEach(async () => {
    store = openStore(':memory:')
    ledger = new EmbeddedLedger(store, { party: 'p2engine::default', now: () => 1_700_000_000 })
    ctx = { ...base, ledger, wallets: { initialBalance: '100.0', knownAgents: new Set(['agent_alpha', 'agent_beta', 'agent_helper']) } }
  })
  afterEach(() => store.close())

  it('transfer_funds: the sender is always the caller; extra keys like "from" are ignored', async () => {
    const out = await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 12.345, reason: 'thanks', from_agent: 'treasurer' }, ctx)
    expect(out.status === 'ok' && out.result).toMatchObject({
      transferred: '12.35', from: 'agent_alpha', to: 'agent_beta', new_balance: '87.65', reason: 'thanks', deduplicated: false,
      message: 'Successfully transferred 12.35 to agent_beta',
    })
    expect((await ledger.getWallet('agent_beta'))?.balance).toBe('112.35')
    expect(await ledger.getWallet('treasurer')).toBeNull()
  })

  it('transfer_funds: the same idempotency key never pays twice', async () => {
    await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 5 }, ctx)
    const again = await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 5 }, ctx)
    expect(again.status === 'ok' && again.result).toMatchObject({
      deduplicated: true, new_balance: '95.0', reason: 'Transfer via tool call',
      message: "Already applied: this call's transfer of 5 to agent_beta was committed before; nothing moved again",
    })
    expect((await ledger.getWallet('agent_alpha'))?.balance).toBe('95.0')
    await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 5 }, { ...ctx, idempotencyKey: 'call-2' })
    expect((await ledger.getWallet('agent_alpha'))?.balance).toBe('90.0')
  })

  it('transfer_funds: a key committed with other parameters is a COMMAND_ID_REUSED tool error and pays nothing', async () => {
    await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 5 }, ctx)
    const other = await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_helper', amount: 7 }, ctx)
    expect(other).toStrictEqual({
      status: 'error',
      error: { code: 'COMMAND_ID_REUSED', message: expect.stringMatching(/^command id "call-1" was already used for the transfer agent_alpha → agent_beta 5\.0 .*NOT applied/) },
    })
    expect([(await ledger.getWallet('agent_alpha'))?.balance, (await ledger.getWallet('agent_helper'))?.balance]).toEqual(['95.0', '100.0'])
  })

  it('transfer_funds: ledger rejections and limits reach the model as errors', async () => {
    expect(await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 500 }, ctx)).toStrictEqual({
      status: 'error',
      error: { code: 'INSUFFICIENT_BALANCE', message: 'Insufficient balance: agent_alpha has 100.0, the transfer needs 500.0' },
    })
    const big = await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 10001 }, ctx)
    expect(big.status === 'error' && big.error.message).toBe('invalid arguments for transfer_funds: amount: amount must be at most 10000')
    expect(await invokeTool(reg, 'transfer_funds', { to_agent: 'made_up', amount: 1 }, ctx)).toStrictEqual({
      status: 'error', error: { code: 'WALLET_NOT_FOUND', message: 'no wallet for agent "made_up"' },
    })
    expect(await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 1 }, base)).toStrictEqual({
      status: 'error', error: { code: 'LEDGER_UNAVAILABLE', message: 'the ledger is not available in this run' },
    })
  })

  it('reward_agent uses defaults and the "Reward:" reason', async () => {
    const out = await invokeTool(reg, 'reward_agent', { agent_id: 'agent_helper' }, ctx)
    expect(out.status === 'ok' && out.result).toMatchObject({ transferred: '10', to: 'agent_helper', reason: 'Reward: Good work!', new_balance: '90.0' })
    const tooMuch = await invokeTool(reg, 'reward_agent', { agent_id: 'agent_helper', amount: 101 }, ctx)
    expect(tooMuch.status).toBe('error')
  })

  it('check_balance defaults to the caller and formats 2 decimals', async () => {
    expect(await invokeTool(reg, 'check_balance', {}, ctx)).toStrictEqual({
      status: 'ok', result: { agent: 'agent_alpha', balance: '100.0', formatted: '100.00', message: 'Balance for agent_alpha: 100.00' }, cached: false,
    })
    expect(await invokeTool(reg, 'check_balance', { agent_id: 'nobody' }, ctx)).toStrictEqual({
      status: 'error', error: { code: 'WALLET_NOT_FOUND', message: 'no wallet for agent "nobody"' },
    })
    expect(await ledger.getWallet('nobody')).toBeNull()
  })

  it('transaction_history lists the caller’s transfers newest first', async () => {
    await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 3, reason: 'one' }, { ...ctx, idempotencyKey: 'a' })
    await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_alpha', amount: 1, reason: 'two' }, { ...ctx, agentId: 'agent_beta', idempotencyKey: 'b' })
    const out = await invokeTool(reg, 'transaction_history', { limit: 5 }, ctx)
    expect(out.status === 'ok' && out.result).toMatchObject({
      count: 2,
      agent: 'agent_alpha',
      message: 'Found 2 transactions',
      transactions: [
        { type: 'received', amount: '1.0', other_party: 'agent_beta', reason: 'two', timestamp: 1_700_000_000 },
        { type: 'sent', amount: '3.0', other_party: 'agent_beta', reason: 'one', timestamp: 1_700_000_000 },
      ],
    })
  })
})
