import { formatFixed, parseDecimal } from '../ledger/decimal'
import type { TransferSummary, VariantRecord } from './types'

/** Money one agent moved in a set of transfers (2-decimal strings). */
export interface AgentFlow {
  agent: string
  sent: string
  received: string
  /** received − sent. */
  net: string
}

/** The transfers a set of variants made, with per-agent flows. */
export interface LedgerFlows {
  transfers: number
  volume: string
  agents: AgentFlow[]
}

/** Per-agent sent / received / net of `transfers` (agents sorted); incoming payments count. */
export function agentFlows(transfers: readonly TransferSummary[]): AgentFlow[] {
  const sent = new Map<string, bigint>()
  const received = new Map<string, bigint>()
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v)
  for (const t of transfers) {
    const a = parseDecimal(t.amount)
    add(sent, t.from, a)
    add(received, t.to, a)
    add(sent, t.to, 0n)
    add(received, t.from, 0n)
  }
  return [...sent.keys()].sort().map((agent) => {
    const s = sent.get(agent) ?? 0n
    const r = received.get(agent) ?? 0n
    return { agent, sent: formatFixed(s, 2), received: formatFixed(r, 2), net: formatFixed(r - s, 2) }
  })
}

/** Each transfer once (a variant's list is unique by transaction id; across variants too). */
function unique(transfers: Iterable<TransferSummary>): TransferSummary[] {
  return [...new Map([...transfers].map((t) => [t.transactionId, t])).values()]
}

/**
 * The ledger figures of a set of variants, from the transfers each variant's own conversation
 * made (attributed by conversation id, stored with the variant when it finished): never from
 * global before/after snapshots, so other rollouts or chats running at the same time never leak
 * in, and a finished variant's figures never change.
 */
export function ledgerFlows(variants: readonly VariantRecord[]): LedgerFlows {
  const transfers = unique(variants.flatMap((v) => v.metrics?.ledger?.transfers ?? []))
  const volume = transfers.reduce((s, t) => s + parseDecimal(t.amount), 0n)
  return { transfers: transfers.length, volume: formatFixed(volume, 2), agents: agentFlows(transfers) }
}
