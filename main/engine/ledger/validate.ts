import { z } from 'zod'
import { UserInputError } from '../errors'
import { formatDecimal, parseDecimal, type Units } from './decimal'
import type { TransferRequest } from '../ports/ledger'
import { checkTransferCommandId } from './commandIds'

/** Agent ids are labels on wallets: letters, digits and `_ . : -`, 1–128 characters. */
export const AgentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'an agent id of 1–128 letters, digits, "_", ".", ":" or "-"')

export function checkAgentId(agent: unknown, what = 'agent'): string {
  const r = AgentIdSchema.safeParse(agent)
  if (!r.success) throw new UserInputError(`${what} ${JSON.stringify(agent)} is not valid: expected ${r.error.issues[0]!.message}`, 'BAD_AGENT_ID')
  return r.data
}

/** A command id (idempotency key): 1–512 printable characters. */
export function checkCommandId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512 || /[\u0000-\u001f]/.test(id)) {
    throw new UserInputError(`command id ${JSON.stringify(id)} is not valid: expected 1–512 printable characters`, 'BAD_COMMAND_ID')
  }
  return id
}

/** A positive amount within Numeric 10. */
export function checkAmount(amount: unknown): Units {
  if (typeof amount !== 'string' && typeof amount !== 'number') {
    throw new UserInputError(`amount must be a decimal number, got ${JSON.stringify(amount)}`, 'BAD_AMOUNT')
  }
  const units = parseDecimal(amount, 'amount')
  if (units <= 0n) throw new UserInputError(`amount must be positive, got ${formatDecimal(units)}`, 'BAD_AMOUNT')
  return units
}

/** A wallet's initial balance: zero or more. */
export function checkInitialBalance(balance: unknown): Units {
  if (typeof balance !== 'string' && typeof balance !== 'number') {
    throw new UserInputError(`initial balance must be a decimal number, got ${JSON.stringify(balance)}`, 'BAD_AMOUNT')
  }
  const units = parseDecimal(balance, 'initial balance')
  if (units < 0n) throw new UserInputError(`initial balance must not be negative, got ${formatDecimal(units)}`, 'BAD_AMOUNT')
  return units
}

export interface CheckedTransfer {
  from: string
  to: string
  amount: Units
  reason: string
  timestamp: number
}

/** Validates everything about a transfer that can be checked without the ledger's state. */
export function checkTransfer(req: TransferRequest, now: () => number = () => Math.floor(Date.now() / 1000)): CheckedTransfer {
  const from = checkAgentId(req.from, 'sender')
  const to = checkAgentId(req.to, 'receiver')
  const amount = checkAmount(req.amount)
  if (from === to) throw new UserInputError(`cannot transfer from ${from} to itself`, 'SELF_TRANSFER')
  // Wallet-creation ids are refused here, so both backends keep the namespaces apart.
  if (req.commandId !== undefined) checkTransferCommandId(checkCommandId(req.commandId))
  const reason = req.reason ?? `Transfer from ${from} to ${to}`
  if (typeof reason !== 'string' || reason.length > 1000) throw new UserInputError('reason must be text of at most 1000 characters', 'BAD_REASON')
  const timestamp = req.timestamp ?? now()
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new UserInputError(`timestamp must be unix seconds, got ${timestamp}`, 'BAD_TIMESTAMP')
  return { from, to, amount, reason, timestamp }
}
