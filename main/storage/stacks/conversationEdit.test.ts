import { afterEach, describe, expect, it } from 'vitest'
import { asAgentId, asConversationId } from '../../engine/schema/states'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from './create'

let store: SqliteStore | undefined
afterEach(() => store?.close())

function setup() {
  store = openStore(':memory:')
  const { stacks } = createStackStorage(store)
  const a = stacks.createConversation({ name: 'first', rootAgent: 'alpha' })
  stacks.createConversation({ name: 'second', rootAgent: 'alpha' })
  stacks.push(a.id, asAgentId('alpha'), [{ kind: 'user_message', text: 'hi' }, { kind: 'assistant_message', content: 'hello' }])
  stacks.push(a.id, asAgentId('helper'), [{ kind: 'user_message', text: 'sub' }])
  stacks.fork(a.id, asAgentId('alpha'), undefined, 0)
  return { stacks, a }
}

describe('conversation rename and delete', () => {
  it('renames to a unique name, kept as the title; refuses a taken or empty name', () => {
    const { stacks, a } = setup()
    const renamed = stacks.renameConversation(a.id, '  Paris trip  ')
    expect({ name: renamed.name, title: renamed.metadata.title }).toEqual({ name: 'Paris trip', title: 'Paris trip' })
    expect(stacks.getConversation('Paris trip').id).toBe(a.id)
    expect(() => stacks.renameConversation(a.id, 'second')).toThrow('conversation second already exists')
    expect(() => stacks.renameConversation(a.id, ' ')).toThrow('conversation name cannot be empty')
    expect(() => stacks.renameConversation('nope', 'x')).toThrow(/unknown conversation nope/)
  })

  it('deletes the conversation with its stacks and branches; the others stay', () => {
    const { stacks, a } = setup()
    stacks.deleteConversation(a.id)
    expect(stacks.listConversations().map((c) => c.name)).toEqual(['second'])
    expect(stacks.findConversation(a.id)).toBeNull()
    const left = store!.db.prepare('SELECT COUNT(*) AS n FROM stack_entries WHERE conversation_id = ?').get(a.id) as { n: number }
    expect(left.n).toBe(0)
    expect(() => stacks.read(asConversationId(a.id), asAgentId('alpha'))).toThrow(/unknown conversation/)
  })
})
