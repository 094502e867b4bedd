import { describe, expect, it } from 'vitest'
import { checkReplay, checkUserCommandId, RESERVED_COMMAND_PREFIXES, WALLET_COMMAND_PREFIXES } from './commandIds'
import { checkTransfer } from './validate'

describe('command-id namespaces', () => {
  it('user input may not use any system prefix; other ids (case-sensitive) pass unchanged', () => {
    for (const p of RESERVED_COMMAND_PREFIXES) expect(() => checkUserCommandId(`${p}x`), p).toThrow(expect.objectContaining({ code: 'RESERVED_COMMAND_ID' }))
    for (const id of ['X', 'INIT:x', 'pay-1', 'legacy-transfer:init:a', 'tc-1', undefined]) expect(checkUserCommandId(id)).toBe(id)
  })

  it('every transfer (tool calls included) stays out of the wallet-creation namespace; tool keys pass', () => {
    const t = { from: 'a', to: 'b', amount: '1' }
    for (const p of WALLET_COMMAND_PREFIXES) expect(() => checkTransfer({ ...t, commandId: `${p}a` })).toThrow(expect.objectContaining({ code: 'RESERVED_COMMAND_ID' }))
    expect(checkTransfer({ ...t, commandId: 'tc_abc' }, () => 5)).toEqual({ from: 'a', to: 'b', amount: 10_000_000_000n, reason: 'Transfer from a to b', timestamp: 5 })
  })

  it('a replay with the same parameters passes; the amount compares by value, not by text', () => {
    const first = { from: 'a', to: 'b', amount: '1.5', reason: 'r', committedAt: '2026-01-01T00:00:00.000Z' }
    expect(() => checkReplay('X', first, checkTransfer({ from: 'a', to: 'b', amount: '1.50', reason: 'r' }))).not.toThrow()
    expect(() => checkReplay('X', first, checkTransfer({ from: 'a', to: 'b', amount: '1.5', reason: 'r ' }))).toThrow(/reason "r " \(first: "r"\)/)
  })
})
