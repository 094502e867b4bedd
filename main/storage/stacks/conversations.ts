import { z } from 'zod'
import { UserInputError } from '../../engine/errors'
import type { Conversation, NewConversation } from '../../engine/ports/stacks'
import { asAgentId, asConversationId } from '../../engine/schema/states'
import { defineJsonColumn } from '../jsonColumn'
import { conversationIdFor } from './conversationIds'
import type { SqliteDatabase as Database } from '../sqliteStore'
import { nextConversationSeq } from './entryKeys'
import type { ConversationRow, StackStatements } from './statements'

const MetadataColumn = defineJsonColumn({
  name: 'conversation metadata',
  version: 1,
  schema: z.object({ metadata: z.record(z.string(), z.unknown()) }),
})

export const toConversation = (r: ConversationRow): Conversation => ({
  id: asConversationId(r.id),
  name: r.name,
  rootAgent: asAgentId(r.root_agent),
  createdAt: r.created_at,
  metadata: MetadataColumn.decode(r.metadata).metadata,
})

/** By id, then by name. */
export function findConversationRow(st: StackStatements, idOrName: string): ConversationRow | undefined {
  return (st.conversationById.get(idOrName) ?? st.conversationByName.get(idOrName)) as ConversationRow | undefined
}

/** The conversation or a UserInputError naming a few known ones. */
export function requireConversationRow(st: StackStatements, idOrName: string): ConversationRow {
  const row = findConversationRow(st, idOrName)
  if (row) return row
  const known = (st.conversations.all() as ConversationRow[]).map((c) => c.name)
  const list = known.length === 0 ? 'there are no conversations yet' : `known: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}`
  throw new UserInputError(`unknown conversation ${idOrName}; ${list}`, 'UNKNOWN_CONVERSATION')
}

/** Validates and inserts a conversation (caller holds the transaction); returns its row and the conversation. */
export function insertConversation(st: StackStatements, input: NewConversation, now: number): { row: ConversationRow; conversation: Conversation } {
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (name === '') throw new UserInputError('conversation name cannot be empty', 'BAD_CONVERSATION')
  const rootAgent = typeof input.rootAgent === 'string' ? input.rootAgent.trim() : ''
  if (rootAgent === '') throw new UserInputError(`conversation ${name}: root agent cannot be empty`, 'BAD_CONVERSATION')
  // The next seq (NEXT_SEQ), so a generated id can name it (conversationIds.ts).
  const seq = nextConversationSeq(st.nextSeq, 'use another P2ENGINE_HOME')
  const id = input.id ?? conversationIdFor(seq, now)
  if (id.trim() === '' || id.length > 200) throw new UserInputError(`conversation id ${JSON.stringify(id)}: expected 1 to 200 characters`, 'BAD_CONVERSATION')
  // An id that names its seq is in no unique index: the lookup is what keeps ids unique. A generated
  // id names the new seq, which no row has yet, so only the rows of the partial index can hold it.
  if (input.id === undefined ? st.otherIdTaken.get(id) : st.conversationById.get(id)) {
    throw new UserInputError(`conversation id ${id} already exists`, 'CONVERSATION_EXISTS')
  }
  const metadata = input.metadata ?? {}
  const row: ConversationRow = { seq, id, name, root_agent: rootAgent, created_at: now, metadata: MetadataColumn.encode({ metadata }) }
  try {
    // The unique name is checked by its index: no lookup before the insert.
    st.insertConversation.run(row.seq, row.id, row.name, row.root_agent, row.created_at, row.metadata)
  } catch (err) {
    if (!String((err as { code?: unknown })?.code).startsWith('SQLITE_CONSTRAINT')) throw err
    if (st.conversationByName.get(name)) throw new UserInputError(`conversation ${name} already exists`, 'CONVERSATION_EXISTS')
    if (st.conversationById.get(id)) throw new UserInputError(`conversation id ${id} already exists`, 'CONVERSATION_EXISTS')
    throw err
  }
  return { row, conversation: { id: asConversationId(id), name, rootAgent: asAgentId(rootAgent), createdAt: now, metadata } }
}

/**
 * Renames a conversation (caller holds the transaction); the name stays unique and the new name
 * is also kept as `metadata.title`, the title the app shows instead of the first message.
 */
export function renameConversationRow(db: Database, st: StackStatements, idOrName: string, name: string): Conversation {
  const row = requireConversationRow(st, idOrName)
  const trimmed = name.trim()
  if (trimmed === '') throw new UserInputError('conversation name cannot be empty', 'BAD_CONVERSATION')
  const other = st.conversationByName.get(trimmed) as ConversationRow | undefined
  if (other && other.id !== row.id) throw new UserInputError(`conversation ${trimmed} already exists`, 'CONVERSATION_EXISTS')
  const metadata = { ...MetadataColumn.decode(row.metadata).metadata, title: trimmed }
  db.prepare('UPDATE conversations SET name = ?, metadata = ? WHERE seq = ?').run(trimmed, MetadataColumn.encode({ metadata }), row.seq)
  return toConversation({ ...row, name: trimmed, metadata: MetadataColumn.encode({ metadata }) })
}

/** Deletes a conversation with every stack, branch and override of it (caller holds the transaction). Artifacts stay for the audit trail. */
export function deleteConversationRows(db: Database, st: StackStatements, idOrName: string): Conversation {
  const row = requireConversationRow(st, idOrName)
  st.archiveConversation.run(row.seq, row.seq)
  st.archiveLinksConversation.run(row.seq, row.seq)
  db.prepare('DELETE FROM stack_current WHERE conversation_id = ?').run(row.id)
  st.deleteConversationEntries.run(row.seq, row.seq)
  st.deleteConversationBranches.run(row.seq, row.seq)
  db.prepare('DELETE FROM agent_overrides WHERE conversation_id = ?').run(row.id)
  db.prepare('DELETE FROM conversations WHERE seq = ?').run(row.seq)
  return toConversation(row)
}
