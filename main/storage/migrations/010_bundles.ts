import type { Migration } from './types'

/**
 * v10: imported bundles. `bundle_origins` says where an imported conversation or rollout came
 * from (bundle file, source machine, time) and under which id it was exported, so a second
 * import of the same bundle is a no-op and `show` commands print the origin. Imported ledger
 * transfers are history of the source run: they live in `bundle_transfers`, never in the ledger
 * tables, so local balances and `ledger audit` are untouched.
 */
export const bundlesMigration: Migration = {
  version: 10,
  name: 'bundles',
  sql: `
CREATE TABLE bundle_origins (
  kind            TEXT NOT NULL CHECK (kind IN ('conversation', 'rollout')),
  local_id        TEXT NOT NULL,
  source_id       TEXT NOT NULL,
  source_machine  TEXT NOT NULL,
  bundle_file     TEXT NOT NULL,
  bundle_sha256   TEXT NOT NULL,
  imported_at     INTEGER NOT NULL,
  PRIMARY KEY (kind, local_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX bundle_origins_source ON bundle_origins(source_machine, kind, source_id);

CREATE TABLE bundle_transfers (
  source_machine   TEXT NOT NULL,
  tx_id            TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,  -- the local (possibly remapped) conversation id
  command_id       TEXT NOT NULL,
  from_agent       TEXT NOT NULL,
  to_agent         TEXT NOT NULL,
  amount           TEXT NOT NULL,
  reason           TEXT NOT NULL,
  committed_at     TEXT NOT NULL,
  details          TEXT NOT NULL,
  PRIMARY KEY (source_machine, tx_id)
) WITHOUT ROWID;
CREATE INDEX bundle_transfers_conversation ON bundle_transfers(conversation_id);
`,
}
