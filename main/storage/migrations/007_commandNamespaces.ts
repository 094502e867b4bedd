import type { Migration } from './types'

/**
 * v7: transfers and wallet creation no longer share command ids. Before v7 a transfer could be
 * submitted under a wallet-creation id (`init:<agent>`, `migrate:…`), after which creating that
 * agent's wallet failed for good with DUPLICATE_COMMAND. Such transfers move to the user
 * namespace as `legacy-transfer:<old id>` (plus `#<transaction id>` if that id is taken), so
 * `ledger init` works again. Nothing else changes: balances, records and the audit trail stay.
 * GLOB, not LIKE: command ids are case-sensitive.
 */
export const commandNamespacesMigration: Migration = {
  version: 7,
  name: 'command_namespaces',
  sql: `
UPDATE ledger_transactions
   SET command_id = 'legacy-transfer:' || command_id ||
       CASE WHEN EXISTS (
         SELECT 1 FROM ledger_transactions o
          WHERE o.act_as = ledger_transactions.act_as AND o.command_id = 'legacy-transfer:' || ledger_transactions.command_id
       ) THEN '#' || tx_id ELSE '' END
 WHERE kind = 'transfer_executed' AND (command_id GLOB 'init:*' OR command_id GLOB 'migrate:*');
`,
}
