import type { Migration } from './types'

/**
 * v12: the conversation a model exchange or tool outcome was recorded for, so a bundle carries
 * exactly its conversations' recordings (before, it took every recording made while they ran,
 * including those of conversations running at the same time). NULL for rows recorded before v12
 * and for calls made outside a conversation; bundles still pick those by time window, through the
 * partial index on their time.
 */
export const recordingConversationMigration: Migration = {
  version: 12,
  name: 'recording_conversation',
  sql: `
ALTER TABLE model_recordings ADD COLUMN conversation_id TEXT;
CREATE INDEX model_recordings_conversation ON model_recordings(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX model_recordings_untagged_time ON model_recordings(recorded_at) WHERE conversation_id IS NULL;
`,
}
