import type { Migration } from './types'

/**
 * v16: the header of a model call's metrics stored in a stack row (`call_header`) is tagged
 * `model_call`, its model and `offline` when it ran offline, and holds nothing else: what its metrics
 * (`call_body`) say. Such a row now stores `''` (~105 bytes less per model call); every reader
 * rebuilds the JSON from the metrics (the views here, `storage/artifacts/entryHeader.ts` for the
 * store's own SQL), so the artifact reads the same. Rows written before keep theirs: only the
 * views change.
 */
export const callHeadersMigration: Migration = {
  version: 16,
  name: 'call_headers',
  sql: `
DROP VIEW artifact_tags;
DROP VIEW artifact_payloads;
DROP VIEW all_artifacts;

CREATE VIEW all_artifacts AS
  SELECT ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts,
         score, reward, raw_len, header, body
    FROM artifacts
  UNION ALL
  SELECT ref, conversation_id, agent_id, branch_id, episode_id, step_idx, 'state', 'state', kind, state_id,
         'application/json', ts, score, reward, length(CAST(state AS BLOB)),
         CASE WHEN header = '' THEN '{"schemaVersion":1,"tags":[],"parentRefs":[],"provenance":{},"meta":{}}' ELSE header END, state
    FROM stack_entries WHERE copied = 0
  UNION ALL
  SELECT call_ref, conversation_id, agent_id, branch_id, '', step_idx - 1, 'metrics', 'model_call', NULL, NULL,
         'application/json', ts, NULL, NULL, length(CAST(call_body AS BLOB)),
         CASE WHEN call_header = '' THEN '{"schemaVersion":1,"tags":["model_call",' || json_quote(json_extract(call_body, '$.model'))
              || CASE WHEN json_extract(call_body, '$.offline') THEN ',"offline"' ELSE '' END || '],"parentRefs":[],"provenance":{},"meta":{}}'
              ELSE call_header END, call_body
    FROM stack_entries WHERE copied = 0 AND call_ref IS NOT NULL;
CREATE VIEW artifact_payloads AS SELECT ref, body FROM all_artifacts;
CREATE VIEW artifact_tags AS SELECT t.value AS tag, a.ref AS ref FROM all_artifacts a, json_each(a.header, '$.tags') t;
`,
}
