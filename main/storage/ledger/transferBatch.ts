import { z } from 'zod'
import { AppError, LedgerError } from '../../engine/errors'
import { addUnits, formatDecimal, parseDecimal } from '../../engine/ledger/decimal'
import { checkReplay, firstTransferOf, type FirstTransfer } from '../../engine/ledger/commandIds'
import type { CheckedTransfer } from '../../engine/ledger/validate'
import type { TransferRequest, TransferResult } from '../../engine/ports/ledger'
import { defineJsonColumn } from '../jsonColumn'
import { newCommandId, newContractId, newTransactionId } from './ids'
import type { LedgerStatements, WalletRow } from './statements'

/** Details of a transfer event; also what a resubmitted command id gets back. */
export const TransferDetailsColumn = defineJsonColumn({
  name: 'ledger transfer event',
  version: 1,
  schema: z.object({
    from: z.string(),
    to: z.string(),
    amount: z.string(),
    reason: z.string(),
    fromBalance: z.string(),
    toBalance: z.string(),
    recordId: z.string(),
    conversationId: z.string().optional(),
  }),
})

export interface TransferItem {
  checked: CheckedTransfer
  req: TransferRequest
}

export type TransferOutcome = { ok: TransferResult } | { err: unknown }

export function walletMissing(agent: string): LedgerError {
  return new LedgerError(
    `no wallet for agent "${agent}"; create it with \`p2engine ledger init\` (configured agents) first`,
    'WALLET_NOT_FOUND',
  )
}

/**
 * Exercises `Transfer` for every item, inside the caller's transaction. Each item is fully
 * checked (command id, both wallets, balance) against the batch's running state **before** its
 * first write, so a rejected item writes nothing and needs no savepoint. `SystemMetrics` is
 * updated once for the whole batch.
 */
export function applyTransfers(
  st: LedgerStatements,
  party: string,
  items: readonly TransferItem[],
  bumpMetrics: (txId: string, volume: bigint, count: number) => void,
): TransferOutcome[] {
  const wallets = new Map<string, WalletRow>()
  const done = new Map<string, { result: TransferResult; original: FirstTransfer }>()
  const walletOf = (agent: string): WalletRow => {
    let w = wallets.get(agent)
    if (!w) {
      w = st.activeWallet.get(party, agent)
      if (!w) throw walletMissing(agent)
      wallets.set(agent, w)
    }
    return w
  }
  let volume = 0n
  let count = 0
  let lastTx = ''
  const outcomes = items.map(({ checked: t, req }): TransferOutcome => {
    try {
      const commandId = req.commandId ?? newCommandId()
      if (req.commandId !== undefined) {
        const earlier = done.get(commandId)
        if (earlier) {
          checkReplay(commandId, earlier.original, t)
          return { ok: { ...earlier.result, deduplicated: true, original: earlier.original } }
        }
        const prior = st.commandResult.get(party, commandId)
        if (prior) {
          if (prior.kind !== 'transfer_executed') {
            throw new LedgerError(`command id ${commandId} was already used for a ${prior.kind} command`, 'DUPLICATE_COMMAND')
          }
          const d = TransferDetailsColumn.decode(prior.details)
          const original = firstTransferOf(d, prior.committed_at)
          checkReplay(commandId, original, t)
          return { ok: { transactionId: prior.tx_id, commandId, recordId: d.recordId, fromBalance: d.fromBalance, toBalance: d.toBalance, deduplicated: true, original } }
        }
      }
      const sender = walletOf(t.from)
      const receiver = walletOf(t.to)
      const before = parseDecimal(sender.balance)
      if (before < t.amount) {
        throw new LedgerError(
          `Insufficient balance: ${t.from} has ${sender.balance}, the transfer needs ${formatDecimal(t.amount)}`,
          'INSUFFICIENT_BALANCE',
        )
      }
      const fromBalance = formatDecimal(before - t.amount)
      const toBalance = formatDecimal(addUnits(parseDecimal(receiver.balance), t.amount))
      const amount = formatDecimal(t.amount)
      // Checked: from here on every write succeeds or the whole batch is a bug and rolls back.
      const txId = newTransactionId()
      const recordId = newContractId()
      const details = {
        from: t.from, to: t.to, amount, reason: t.reason, fromBalance, toBalance, recordId,
        ...(req.conversationId ? { conversationId: req.conversationId } : {}),
      }
      const committedAt = new Date().toISOString()
      const info = st.insertTx.run(txId, commandId, party, 'transfer_executed', t.from, t.to, committedAt, TransferDetailsColumn.encode(details))
      st.archiveWalletPair.run(txId, sender.contract_id, receiver.contract_id)
      const next = (w: WalletRow, balance: string): WalletRow => ({ ...w, contract_id: newContractId(), balance, version: w.version + 1, created_tx: txId, archived_tx: null })
      const s2 = next(sender, fromBalance)
      const r2 = next(receiver, toBalance)
      st.insertWalletPair.run(
        s2.contract_id, party, t.from, fromBalance, s2.created, s2.version, txId,
        r2.contract_id, party, t.to, toBalance, r2.created, r2.version, txId,
      )
      st.insertRecord.run(recordId, party, t.from, t.to, amount, t.reason, t.timestamp, txId, Number(info.lastInsertRowid))
      wallets.set(t.from, s2)
      wallets.set(t.to, r2)
      volume += t.amount
      count++
      lastTx = txId
      const result = { transactionId: txId, commandId, recordId, fromBalance, toBalance, deduplicated: false }
      if (req.commandId !== undefined) done.set(commandId, { result, original: firstTransferOf(details, committedAt) })
      return { ok: result }
    } catch (err) {
      if (err instanceof AppError) return { err }
      throw err // a bug or a failed write: the caller's transaction rolls back whole
    }
  })
  if (count > 0) bumpMetrics(lastTx, volume, count)
  return outcomes
}
