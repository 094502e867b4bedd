import { z } from 'zod'
import { defineEvent, defineInvoke, NoInput } from './define'
import { COMMAND_ID_MAX_CHARS, NAME_MAX_CHARS, REASON_MAX_CHARS } from './limits'

/** Ledger domain: wallets, transfers, audit. Amounts are canonical decimal strings, never floats. */

const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number such as "12.5"')
const AgentId = z.string().max(128, 'an agent id of at most 128 characters').regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'an agent id of 1–128 letters, digits, "_", ".", ":" or "-"')

export const WalletSchema = z.object({
  contractId: z.string(),
  party: z.string(),
  agent: z.string(),
  balance: Decimal,
  created: z.number().int(),
  createdTx: z.string(),
  archivedTx: z.string().nullable(),
})
export type Wallet = z.infer<typeof WalletSchema>

export const TransferRecordSchema = z.object({
  contractId: z.string(),
  party: z.string(),
  fromAgent: z.string(),
  toAgent: z.string(),
  amount: Decimal,
  reason: z.string(),
  timestamp: z.number().int(),
  transactionId: z.string(),
})
export type TransferRecord = z.infer<typeof TransferRecordSchema>

export const TransferInputSchema = z.object({
  from: AgentId,
  to: AgentId,
  /** A positive decimal; the ledger checks funds and precision. */
  amount: z.string().max(NAME_MAX_CHARS, `an amount of at most ${NAME_MAX_CHARS} characters`).trim().min(1, 'an amount').regex(/^\d+(\.\d+)?$/, 'a positive decimal number such as "10" or "2.5"'),
  reason: z.string().max(REASON_MAX_CHARS, `a reason of at most ${REASON_MAX_CHARS} characters`).optional(),
  /**
   * Idempotency key: resubmitting it with the same parameters returns the first result; other
   * parameters fail with COMMAND_ID_REUSED; reserved prefixes (init:, migrate:, tc_, cmd-) fail
   * with RESERVED_COMMAND_ID.
   */
  commandId: z.string().min(1).max(COMMAND_ID_MAX_CHARS, `a command id of at most ${COMMAND_ID_MAX_CHARS} characters`).optional(),
}).strict()
export type TransferInput = z.infer<typeof TransferInputSchema>

export const TransferResultSchema = z.object({
  transactionId: z.string(),
  commandId: z.string(),
  recordId: z.string(),
  fromBalance: Decimal,
  toBalance: Decimal,
  deduplicated: z.boolean(),
  /** With `deduplicated`: the transfer the command id first committed (it was "already applied"). */
  original: z.object({ from: z.string(), to: z.string(), amount: Decimal, reason: z.string(), committedAt: z.string() }).optional(),
})
export type TransferResult = z.infer<typeof TransferResultSchema>

export const HistoryInputSchema = z.object({
  agent: AgentId.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
}).strict()

export const LedgerEventTypeSchema = z.enum(['wallet_created', 'transfer_executed', 'wallet_migrated'])
export const LedgerEventSchema = z.object({
  offset: z.number().int(),
  transactionId: z.string(),
  commandId: z.string(),
  type: LedgerEventTypeSchema,
  at: z.string(),
  details: z.record(z.string(), z.unknown()),
})
export type LedgerEvent = z.infer<typeof LedgerEventSchema>

export const EventsInputSchema = z.object({
  sinceIso: z.string().max(NAME_MAX_CHARS, `a time of at most ${NAME_MAX_CHARS} characters`).pipe(z.iso.datetime({ offset: true })).optional(),
  type: LedgerEventTypeSchema.optional(),
  agent: AgentId.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
}).strict()

export const AuditReportSchema = z.object({
  ok: z.boolean(),
  violations: z.array(z.string()),
  checked: z.object({ wallets: z.number().int(), records: z.number().int(), transactions: z.number().int() }),
  supply: Decimal,
  minted: Decimal,
})
export type AuditReport = z.infer<typeof AuditReportSchema>

export const SystemMetricsSchema = z.object({
  party: z.string(),
  walletCount: z.number().int(),
  totalBalance: Decimal,
  transactionCount: z.number().int(),
  totalVolume: Decimal,
  averageBalance: Decimal,
  mintedTotal: Decimal,
  lastUpdated: z.number(),
})
export type SystemMetrics = z.infer<typeof SystemMetricsSchema>

export const LedgerStatusSchema = z.object({
  backend: z.enum(['embedded', 'canton']),
  party: z.string(),
  ready: z.boolean(),
  detail: z.string(),
  /** False with LEDGER_ENABLED=false: agents have no wallet tools and rollouts no ledger figures. */
  enabled: z.boolean(),
})
export type LedgerStatus = z.infer<typeof LedgerStatusSchema>

/** Published after every committed (non-deduplicated) transfer, whoever made it. */
export const TransferredEventSchema = z.object({
  from: z.string(),
  to: z.string(),
  amount: Decimal,
  reason: z.string(),
  result: TransferResultSchema,
})
export type TransferredEvent = z.infer<typeof TransferredEventSchema>

export const ledgerInvokes = {
  'ledger:wallets': defineInvoke('active wallets, one per agent', NoInput, z.array(WalletSchema)),
  'ledger:transfer': defineInvoke('move funds between two existing wallets', TransferInputSchema, TransferResultSchema),
  'ledger:history': defineInvoke('transfer records of one agent (all when omitted), newest first', HistoryInputSchema, z.array(TransferRecordSchema)),
  'ledger:events': defineInvoke('the audit trail, newest first', EventsInputSchema, z.array(LedgerEventSchema)),
  'ledger:audit': defineInvoke('invariant check of the whole ledger', NoInput, AuditReportSchema),
  'ledger:metrics': defineInvoke('supply, volume and counts', NoInput, SystemMetricsSchema),
  'ledger:status': defineInvoke('which backend answers and whether it is ready', NoInput, LedgerStatusSchema),
} as const

export const ledgerEvents = {
  'ledger:transferred': defineEvent('a transfer was committed', TransferredEventSchema),
} as const
