import { LedgerError, UserInputError } from '../errors'
import { formatDecimal, parseDecimal } from './decimal'
import type { CheckedTransfer } from './validate'

/**
 * Command-id namespaces. Ledgers deduplicate on (actAs, commandId) whatever the command, so the
 * ids the system makes itself live under reserved prefixes that no transfer may use:
 *
 * - `init:<agent>`: wallet creation (`ledger init`, first start, rollouts, Canton start);
 * - `migrate:<backend>:…`: wallet copies of `ledger canton migrate`;
 *
 * and two more that user input (CLI `--command-id`, the `ledger:transfer` IPC channel) may not
 * use, because the system makes them for transfers:
 *
 * - `tc_<hash>`: a tool call's idempotency key (`transfer_funds`, `reward_agent`);
 * - `cmd-<hex>`: generated when a write brings no command id.
 */
/** Wallet-creation prefixes. Migration 007 moved old transfers out of each; keep them in step. */
export const WALLET_COMMAND_PREFIXES = ['init:', 'migrate:'] as const

/** Every prefix a user-supplied command id may not start with. */
export const RESERVED_COMMAND_PREFIXES = [...WALLET_COMMAND_PREFIXES, 'tc_', 'cmd-'] as const

const reservedBy = (id: string, prefixes: readonly string[]): string | undefined => prefixes.find((p) => id.startsWith(p))

function reservedError(id: string, prefix: string, what: string): UserInputError {
  return new UserInputError(
    `command id ${JSON.stringify(id)} is reserved: ids starting with "${prefix}" are ${what}; ` +
      `choose another id (reserved prefixes: ${RESERVED_COMMAND_PREFIXES.join(', ')})`,
    'RESERVED_COMMAND_ID',
  )
}

/** Refuses a transfer command id in the wallet-creation namespace (both ledger backends run it). */
export function checkTransferCommandId(id: string): string {
  const p = reservedBy(id, WALLET_COMMAND_PREFIXES)
  if (p) throw reservedError(id, p, 'used by wallet creation')
  return id
}

/** Refuses a command id typed or sent by a user that falls in any system namespace. */
export function checkUserCommandId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined
  const p = reservedBy(id, RESERVED_COMMAND_PREFIXES)
  if (p) throw reservedError(id, p, p === 'tc_' ? "tool calls' idempotency keys" : p === 'cmd-' ? 'generated for writes without an id' : 'used by wallet creation')
  return id
}

/** A committed transfer as its command id first recorded it. */
export interface FirstTransfer {
  from: string
  to: string
  /** Canonical decimal string. */
  amount: string
  reason: string
  /** ISO-8601 time of commit. */
  committedAt: string
}

/**
 * A transfer resubmitted under a command id that committed a transfer with other parameters.
 * Nothing was applied; `first` is what the id committed, `attempted` what was asked now.
 */
export class CommandIdReusedError extends LedgerError {
  constructor(
    readonly commandId: string,
    readonly first: FirstTransfer,
    readonly attempted: Omit<FirstTransfer, 'committedAt'>,
  ) {
    const diff = (['from', 'to', 'amount', 'reason'] as const)
      .filter((k) => !sameValue(k, first[k], attempted[k]))
      .map((k) => `${k} ${JSON.stringify(attempted[k])} (first: ${JSON.stringify(first[k])})`)
    super(
      `command id ${JSON.stringify(commandId)} was already used for the transfer ${first.from} → ${first.to} ` +
        `${first.amount} "${first.reason}" committed at ${first.committedAt}; the new parameters differ ` +
        `(${diff.join(', ')}) and were NOT applied. Use a new command id for a new transfer.`,
      'COMMAND_ID_REUSED',
    )
  }
}

function sameValue(key: 'from' | 'to' | 'amount' | 'reason', a: string, b: string): boolean {
  return key === 'amount' ? parseDecimal(a) === parseDecimal(b) : a === b
}

/**
 * Canton's rule for a resubmitted command id: the first result stands. Same sender, receiver,
 * amount and reason is a retry (the caller gets the first result, `deduplicated: true`); any
 * other difference throws {@link CommandIdReusedError}. Timestamps and conversation ids are not
 * compared: a retry made later legitimately carries a later time.
 */
export function checkReplay(commandId: string, first: FirstTransfer, now: CheckedTransfer): void {
  const attempted = { from: now.from, to: now.to, amount: formatDecimal(now.amount), reason: now.reason }
  const same = (['from', 'to', 'amount', 'reason'] as const).every((k) => sameValue(k, first[k], attempted[k]))
  if (!same) throw new CommandIdReusedError(commandId, first, attempted)
}

/** The {@link FirstTransfer} of a stored transfer event (amount made canonical). */
export function firstTransferOf(details: { from: string; to: string; amount: string; reason: string }, committedAt: string): FirstTransfer {
  return { from: details.from, to: details.to, amount: formatDecimal(parseDecimal(details.amount)), reason: details.reason, committedAt }
}
