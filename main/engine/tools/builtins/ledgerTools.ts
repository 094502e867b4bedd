import { z } from 'zod'
import { ToolError } from '../../errors'
import { CommandIdReusedError } from '../../ledger/commandIds'
import { formatFixed, parseDecimal } from '../../ledger/decimal'
import type { Wallet } from '../../ports/ledger'
import { defineTool } from '../defineTool'
import type { ToolContext } from '../types'

/**
 * Wallet tools. All go through the {@link ToolContext.ledger} port; the sender of every transfer
 * is the calling agent (`ctx.agentId`) — the schemas have no sender field and extra keys are
 * dropped — and the ledger command id is the call's idempotency key, so a retried or replayed
 * call never pays twice.
 */

function ledgerOf(ctx: ToolContext) {
  if (!ctx.ledger) throw new ToolError('the ledger is not available in this run', 'LEDGER_UNAVAILABLE')
  return ctx.ledger
}

/** The agent's wallet; created only for configured agents (the original funded any id it saw). */
async function walletOf(ctx: ToolContext, agent: string): Promise<Wallet> {
  const ledger = ledgerOf(ctx)
  const wallet = await ledger.getWallet(agent)
  if (wallet) return wallet
  if (ctx.wallets?.knownAgents.has(agent)) {
    return (await ledger.createWallet({ agent, initialBalance: ctx.wallets.initialBalance })).wallet
  }
  throw new ToolError(`no wallet for agent "${agent}"`, 'WALLET_NOT_FOUND')
}

/** A JS number as decimal text without exponent ("0.0000001", not "1e-7"). */
export function numberToDecimal(n: number): string {
  const s = String(n)
  return /e/i.test(s) ? n.toFixed(10).replace(/\.?0+$/, '') : s
}

const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100

export interface TransferOutput {
  transferred: string
  from: string
  to: string
  transaction_id: string
  new_balance: string
  reason: string
  /** True when this call's command had already been committed (a retry); nothing moved twice. */
  deduplicated: boolean
  message: string
}

async function pay(ctx: ToolContext, to: string, amount: string, reason: string): Promise<TransferOutput> {
  if (!ctx.idempotencyKey) throw new ToolError('a ledger call needs an idempotency key', 'NO_IDEMPOTENCY_KEY')
  await walletOf(ctx, ctx.agentId)
  await walletOf(ctx, to)
  const r = await ledgerOf(ctx).transfer({
    from: ctx.agentId,
    to,
    amount,
    reason,
    commandId: ctx.idempotencyKey,
    conversationId: ctx.conversationId,
  }).catch((err: unknown) => {
    // The key was committed with other parameters: the model must see that nothing was paid.
    if (err instanceof CommandIdReusedError) throw new ToolError(err.message, 'COMMAND_ID_REUSED', { cause: err })
    throw err
  })
  return {
    transferred: amount,
    from: ctx.agentId,
    to,
    transaction_id: r.transactionId,
    new_balance: r.fromBalance,
    reason,
    deduplicated: r.deduplicated,
    message: r.deduplicated
      ? `Already applied: this call's transfer of ${amount} to ${to} was committed before; nothing moved again`
      : `Successfully transferred ${amount} to ${to}`,
  }
}

export const transferFundsTool = defineTool({
  name: 'transfer_funds',
  description: "Transfer funds from your wallet to another agent's wallet",
  input: z.object({
    to_agent: z.string().describe('Target agent ID to receive funds'),
    amount: z
      .number()
      .positive()
      .describe('Amount to transfer (must be positive)')
      .refine((v) => round2(v) <= 10000, 'amount must be at most 10000'),
    reason: z.string().default('').describe('Reason for the transfer'),
  }),
  requiresContext: true,
  dedupTtl: 10,
  run: (args, ctx) => pay(ctx, args.to_agent, numberToDecimal(round2(args.amount)), args.reason || 'Transfer via tool call'),
})

export const rewardAgentTool = defineTool({
  name: 'reward_agent',
  description: 'Reward another agent for good performance or assistance',
  input: z.object({
    agent_id: z.string().describe('Agent to reward'),
    amount: z.number().positive().max(100).default(10).describe('Reward amount'),
    reason: z.string().default('Good work!').describe('Reason for reward'),
  }),
  requiresContext: true,
  run: (args, ctx) => pay(ctx, args.agent_id, numberToDecimal(args.amount), `Reward: ${args.reason}`),
})

export interface BalanceOutput {
  agent: string
  balance: string
  formatted: string
  message: string
}

export const checkBalanceTool = defineTool({
  name: 'check_balance',
  description: "Check the current balance of an agent's wallet",
  input: z.object({
    agent_id: z.string().nullable().default(null).describe('Agent ID to check balance for (defaults to self)'),
  }),
  requiresContext: true,
  sideEffectFree: true,
  cacheTtl: 30,
  ledgerRead: true,
  async run(args, ctx): Promise<BalanceOutput> {
    const agent = args.agent_id || ctx.agentId
    const wallet = await walletOf(ctx, agent)
    const formatted = formatFixed(parseDecimal(wallet.balance), 2)
    return { agent, balance: wallet.balance, formatted, message: `Balance for ${agent}: ${formatted}` }
  },
})

export interface HistoryEntry {
  type: 'sent' | 'received'
  amount: string
  other_party: string
  reason: string
  timestamp: number
  id: string
}

export const transactionHistoryTool = defineTool({
  name: 'transaction_history',
  description: 'Get your recent transaction history',
  input: z.object({
    limit: z.number().int().min(1).max(100).default(10).describe('Number of transactions to retrieve'),
  }),
  requiresContext: true,
  sideEffectFree: true,
  cacheTtl: 60,
  ledgerRead: true,
  async run(args, ctx): Promise<{ transactions: HistoryEntry[]; count: number; agent: string; message: string }> {
    const agent = ctx.agentId
    const records = await ledgerOf(ctx).history(agent, args.limit)
    const transactions = records.map((r): HistoryEntry => {
      const sent = r.fromAgent === agent
      return { type: sent ? 'sent' : 'received', amount: r.amount, other_party: sent ? r.toAgent : r.fromAgent, reason: r.reason, timestamp: r.timestamp, id: r.contractId }
    })
    return { transactions, count: transactions.length, agent, message: `Found ${transactions.length} transactions` }
  },
})
