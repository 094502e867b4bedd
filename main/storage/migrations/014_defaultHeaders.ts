import type { Migration } from './types'

/**
 * v14: a state row whose artifact header has no tags, parents, provenance or meta (nearly every
 * one) stores `''` in `stack_entries.header` instead of that header's 72 bytes of JSON; rows
 * written before keep theirs. Every reader maps `''` back to the default header (the views here,
 * and `storage/artifacts/entryHeader.ts` for the store's own SQL), so the artifact a row shows is
 * the same either way. Only the views change: no table is rebuilt, no row rewritten.
 */
export const defaultHeadersMigration: Migration = {
  version: 14,
  name: 'default_headers',
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
         'application/json', ts, NULL, NULL, length(CAST(call_body AS BLOB)), call_header, call_body
    FROM stack_entries WHERE copied = 0 AND call_ref IS NOT NULL;
CREATE VIEW artifact_payloads AS SELECT ref, body FROM all_artifacts;
CREATE VIEW artifact_tags AS SELECT t.value AS tag, a.ref AS ref FROM all_artifacts a, json_each(a.header, '$.tags') t;
`,
}
