import type { TransferInput } from '../../../../preload/contract'
import { formatMoney } from '../../shared/format'

export interface TransferDraft {
  from: string
  to: string
  amount: string
  reason: string
}

export type DraftErrors = Partial<Record<keyof TransferDraft, string>>

/** Compares two non-negative decimal strings exactly (no floats): -1, 0 or 1. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const split = (x: string): [string, string] => {
    const [i = '0', f = ''] = x.trim().split('.')
    return [i.replace(/^0+(?=\d)/, ''), f.replace(/0+$/, '')]
  }
  const [ai, af] = split(a)
  const [bi, bf] = split(b)
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1
  if (ai !== bi) return ai < bi ? -1 : 1
  const n = Math.max(af.length, bf.length)
  const fa = af.padEnd(n, '0')
  const fb = bf.padEnd(n, '0')
  return fa === fb ? 0 : fa < fb ? -1 : 1
}

/**
 * Checks what can be checked before sending: the fields, and the sender's balance as last read
 * (an overdraft is refused here; the ledger still decides, and its refusal is shown as it comes
 * back when another transfer got there first). Returns the input to send, or the errors per field.
 */
export function validateTransfer(d: TransferDraft, agents: readonly string[], balances: Readonly<Record<string, string>> = {}): { input?: TransferInput; errors: DraftErrors } {
  const errors: DraftErrors = {}
  const amount = d.amount.trim()
  if (!d.from) errors.from = 'Pick the wallet to send from.'
  else if (!agents.includes(d.from)) errors.from = `No wallet for "${d.from}".`
  if (!d.to) errors.to = 'Pick the wallet to receive.'
  else if (d.to === d.from) errors.to = 'Sender and receiver must differ.'
  if (!amount) errors.amount = 'Enter an amount, e.g. 10 or 2.5.'
  else if (!/^\d+(\.\d+)?$/.test(amount)) errors.amount = `"${amount}" is not a positive number; use digits and one dot, e.g. 12.5.`
  else if ((amount.split('.')[1] ?? '').length > 10) errors.amount = 'At most 10 decimal places.'
  else if (/^0+(\.0+)?$/.test(amount)) errors.amount = 'The amount must be more than 0.'
  else if (d.from && balances[d.from] !== undefined && compareDecimals(amount, balances[d.from]!) > 0) {
    errors.amount = `More than ${d.from} has: the available balance is ${formatMoney(balances[d.from]!)}.`
  }
  if (d.reason.length > 1000) errors.reason = `At most 1000 characters (now ${d.reason.length}).`
  if (Object.keys(errors).length) return { errors }
  return { errors, input: { from: d.from, to: d.to, amount, ...(d.reason.trim() ? { reason: d.reason.trim() } : {}) } }
}

/** A fresh idempotency key: a retried submission of the same draft cannot move funds twice. */
export function newCommandId(): string {
  const rnd = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`
  return `ui:${rnd}`
}
