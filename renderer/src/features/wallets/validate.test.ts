import { describe, expect, it } from 'vitest'
import { compareDecimals, validateTransfer } from './validate'

const agents = ['agent_alpha', 'agent_beta']
const draft = (amount: string) => ({ from: 'agent_alpha', to: 'agent_beta', amount, reason: '' })

describe('validateTransfer', () => {
  it('refuses an overdraft before sending, naming the available balance', () => {
    expect(validateTransfer(draft('90.0000000001'), agents, { agent_alpha: '90.0' })).toEqual({
      errors: { amount: 'More than agent_alpha has: the available balance is 90.00.' },
    })
    expect(validateTransfer(draft('1000'), agents, { agent_alpha: '999.99' }).errors.amount).toBe('More than agent_alpha has: the available balance is 999.99.')
  })

  it('lets exactly the whole balance through, and anything when the balance is unknown', () => {
    expect(validateTransfer(draft('90'), agents, { agent_alpha: '90.0' })).toEqual({ errors: {}, input: { from: 'agent_alpha', to: 'agent_beta', amount: '90' } })
    expect(validateTransfer(draft('5000'), agents).input?.amount).toBe('5000')
  })
})

describe('compareDecimals', () => {
  it('compares exactly, ignoring leading and trailing zeros', () => {
    expect([compareDecimals('10', '9.99'), compareDecimals('0010.50', '10.5'), compareDecimals('0.1', '0.10000000001'), compareDecimals('123', '1234')]).toEqual([1, 0, -1, -1])
  })
})
