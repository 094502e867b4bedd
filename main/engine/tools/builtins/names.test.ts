import { describe, expect, it } from 'vitest'
import { BUILTIN_TOOLS, LEDGER_TOOLS } from './index'
import { BUILTIN_TOOL_NAME_LIST, LEDGER_TOOL_NAME_LIST } from './names'

describe('built-in tool names', () => {
  it('are the names of the built-in tools, in their order', () => {
    expect(BUILTIN_TOOL_NAME_LIST).toEqual(BUILTIN_TOOLS.map((t) => t.name))
  })
  it('list the wallet tools as the ledger tools', () => {
    expect(LEDGER_TOOL_NAME_LIST).toEqual(LEDGER_TOOLS.map((t) => t.name))
  })
})
