import { z } from 'zod'
import { normalizeDecimal } from '../../engine/ledger/decimal'

/** Package name of the Daml 3 model (`daml/v3/daml.yaml`). */
export const PACKAGE_NAME = 'p2engine-ledger'
/** Template ids in the package-name reference format (`#<package-name>:<Module>:<Template>`). */
export const TEMPLATE = {
  AgentWallet: `#${PACKAGE_NAME}:P2Engine.Ledger:AgentWallet`,
  TransferRecord: `#${PACKAGE_NAME}:P2Engine.Ledger:TransferRecord`,
} as const

export type TemplateName = keyof typeof TEMPLATE

/** Which template a ledger-reported id (package-id or package-name form) denotes, if one of ours. */
export function templateOf(templateId: string): TemplateName | undefined {
  if (templateId.endsWith(':P2Engine.Ledger:AgentWallet')) return 'AgentWallet'
  if (templateId.endsWith(':P2Engine.Ledger:TransferRecord')) return 'TransferRecord'
  return undefined
}

/** Daml Int64 arrives as a JSON string (or number from lenient encoders). */
const Int = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((v) => Number(v))
const Dec = z.union([z.string(), z.number()]).transform((v) => normalizeDecimal(String(v)))

export const AgentWalletArgs = z.object({ party: z.string(), agent: z.string(), balance: Dec, created: Int })
export type AgentWalletArgs = z.infer<typeof AgentWalletArgs>

export const TransferRecordArgs = z.object({
  party: z.string(),
  fromAgent: z.string(),
  toAgent: z.string(),
  amount: Dec,
  reason: z.string(),
  timestamp: Int,
})
export type TransferRecordArgs = z.infer<typeof TransferRecordArgs>

/**
 * Workflow ids tag each command with its kind, so events and audit can tell a migration from a
 * creation; a conversation id rides along base64url-encoded (ledger strings allow `[A-Za-z0-9:_-/ #]`).
 */
export type CommandKind = 'wallet_created' | 'wallet_migrated' | 'transfer_executed'

export function workflowIdOf(kind: CommandKind, conversationId?: string): string {
  const base = `p2engine/${kind}`
  if (!conversationId) return base
  const id = `${base}/${Buffer.from(conversationId).toString('base64url')}`
  return id.length <= 255 ? id : base
}

export function parseWorkflowId(workflowId: string | undefined): { kind?: CommandKind; conversationId?: string } {
  const m = /^p2engine\/(wallet_created|wallet_migrated|transfer_executed)(?:\/([A-Za-z0-9_-]+))?$/.exec(workflowId ?? '')
  if (!m) return {}
  return { kind: m[1] as CommandKind, ...(m[2] ? { conversationId: Buffer.from(m[2], 'base64url').toString() } : {}) }
}
