import type { RecordRow, TxRow, WalletRow } from '../../storage/ledger/statements'
import type { components } from './generated/ledgerApi'
import { AgentWalletArgs, parseWorkflowId, templateOf, TransferRecordArgs } from './templates'

type JsTransaction = components['schemas']['JsTransaction']

/** A transaction row as the embedded ledger keeps it, plus the command's first result (JSON). */
export interface ProjectedTx extends TxRow {
  result: string
}

/** A transfer's first result, as kept for command deduplication. */
export interface TransferOutcome {
  transactionId: string
  commandId: string
  recordId: string
  fromBalance: string
  toBalance: string
}

/**
 * A local read model of the party's transactions (AgentWallet and TransferRecord events, ACS-delta
 * shape), fed from `/v2/updates` in offset order. It gives the rows the embedded ledger keeps in
 * SQLite, so history, events, wallet versions and the audit share one code path with it.
 */
export class LedgerProjection {
  readonly versions: WalletRow[] = []
  readonly records: RecordRow[] = []
  readonly transactions: ProjectedTx[] = []
  private readonly byContract = new Map<string, WalletRow>()
  private readonly byOffset = new Map<number, string>()
  private readonly byCommand = new Map<string, ProjectedTx>()
  /** Highest offset applied (0 = nothing yet). */
  lastOffset = 0

  constructor(readonly party: string) {}

  /** Update id of the transaction at `offset`, if seen. */
  updateIdAt(offset: number): string | undefined {
    return this.byOffset.get(offset)
  }

  /** The transaction a command id committed, if any. */
  byCommandId(commandId: string): ProjectedTx | undefined {
    return this.byCommand.get(commandId)
  }

  /** Applies one transaction; already applied offsets are ignored. */
  apply(tx: JsTransaction): void {
    if (tx.offset <= this.lastOffset) return
    this.lastOffset = tx.offset
    this.byOffset.set(tx.offset, tx.updateId)
    const created: WalletRow[] = []
    let record: RecordRow | undefined
    for (const ev of tx.events) {
      if ('ArchivedEvent' in ev) {
        const w = this.byContract.get(ev.ArchivedEvent.contractId)
        if (w) w.archived_tx = tx.updateId
      } else if ('CreatedEvent' in ev) {
        const c = ev.CreatedEvent
        const template = templateOf(c.templateId)
        if (template === 'AgentWallet') {
          const a = AgentWalletArgs.parse(c.createArgument)
          const version = this.versions.filter((v) => v.agent === a.agent).length + 1
          const row: WalletRow = { contract_id: c.contractId, party: a.party, agent: a.agent, balance: a.balance, created: a.created, version, created_tx: tx.updateId, archived_tx: null }
          created.push(row)
          this.versions.push(row)
          this.byContract.set(row.contract_id, row)
        } else if (template === 'TransferRecord') {
          const r = TransferRecordArgs.parse(c.createArgument)
          record = { contract_id: c.contractId, party: r.party, from_agent: r.fromAgent, to_agent: r.toAgent, amount: r.amount, reason: r.reason, timestamp: r.timestamp, tx_id: tx.updateId, offset: tx.offset }
          this.records.push(record)
        }
      }
    }
    const wf = parseWorkflowId(tx.workflowId)
    const commandId = tx.commandId ?? ''
    const at = new Date(tx.effectiveAt).toISOString()
    let row: ProjectedTx | undefined
    if (record) {
      const from = created.find((w) => w.agent === record!.from_agent)
      const to = created.find((w) => w.agent === record!.to_agent)
      const outcome: TransferOutcome = { transactionId: tx.updateId, commandId, recordId: record.contract_id, fromBalance: from?.balance ?? '', toBalance: to?.balance ?? '' }
      const details = {
        from: record.from_agent, to: record.to_agent, amount: record.amount, reason: record.reason,
        fromBalance: outcome.fromBalance, toBalance: outcome.toBalance, recordId: record.contract_id,
        ...(wf.conversationId ? { conversationId: wf.conversationId } : {}),
      }
      row = { offset: tx.offset, tx_id: tx.updateId, command_id: commandId, act_as: this.party, kind: 'transfer_executed', agent_a: record.from_agent, agent_b: record.to_agent, committed_at: at, result: JSON.stringify(outcome), details: JSON.stringify(details) }
    } else if (created.length === 1) {
      const w = created[0]!
      const kind = wf.kind === 'wallet_migrated' ? 'wallet_migrated' : 'wallet_created'
      row = {
        offset: tx.offset, tx_id: tx.updateId, command_id: commandId, act_as: this.party, kind, agent_a: w.agent, agent_b: null, committed_at: at,
        result: JSON.stringify({ contractId: w.contract_id, agent: w.agent }),
        details: JSON.stringify({ agent: w.agent, initialBalance: w.balance, contractId: w.contract_id }),
      }
    }
    if (row) {
      this.transactions.push(row)
      if (commandId) this.byCommand.set(commandId, row)
    }
  }
}
