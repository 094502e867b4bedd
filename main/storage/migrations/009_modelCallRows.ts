import type { Migration } from './types'

/**
 * v9: a model call's metrics are stored in the row of the stack entry that answers it (the first
 * state its answer pushed) instead of an `artifacts` row of their own: `call_ref`, `call_header`
 * and `call_body` hold the metrics artifact's ref, header extras JSON and payload. The artifact
 * is derived (`all_artifacts`; type `metrics`, role `model_call`, step just before the entry's,
 * no episode), so `artifact list/show` read it as before. When the entry leaves every stack
 * (rewind, prune, deleted conversation) its metrics are kept as an `artifacts` row like its state.
 * Metrics recorded before v9 stay where they are.
 */
export const modelCallRowsMigration: Migration = {
  version: 9,
  name: 'model_call_rows',
  sql: `
ALTER TABLE stack_entries ADD COLUMN call_ref TEXT;
ALTER TABLE stack_entries ADD COLUMN call_header TEXT;
ALTER TABLE stack_entries ADD COLUMN call_body TEXT;
CREATE INDEX stack_entries_call_ref ON stack_entries(call_ref) WHERE call_ref IS NOT NULL;

DROP VIEW artifact_tags;
DROP VIEW artifact_payloads;
DROP VIEW all_artifacts;
CREATE VIEW all_artifacts AS
  SELECT ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts,
         score, reward, raw_len, header, body
    FROM artifacts
  UNION ALL
  SELECT ref, conversation_id, agent_id, branch_id, episode_id, step_idx, 'state', 'state', kind, state_id,
         'application/json', ts, score, reward, length(CAST(state AS BLOB)), header, state
    FROM stack_entries WHERE copied = 0
  UNION ALL
  SELECT call_ref, conversation_id, agent_id, branch_id, '', step_idx - 1, 'metrics', 'model_call', NULL, NULL,
         'application/json', ts, NULL, NULL, length(CAST(call_body AS BLOB)), call_header, call_body
    FROM stack_entries WHERE copied = 0 AND call_ref IS NOT NULL;
CREATE VIEW artifact_payloads AS SELECT ref, body FROM all_artifacts;
CREATE VIEW artifact_tags AS SELECT t.value AS tag, a.ref AS ref FROM all_artifacts a, json_each(a.header, '$.tags') t;
`,
}
