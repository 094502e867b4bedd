import { useState, type KeyboardEvent } from 'react'
import { Button } from '../../../shared/ui'
import { useChatStore } from '../store'

/** Conversations (arrow keys move, Enter opens) and the new-chat form. */
export function ConversationList() {
  const agents = useChatStore((s) => s.agents)
  const conversations = useChatStore((s) => s.conversations)
  const selectedId = useChatStore((s) => s.selectedId)
  const select = useChatStore((s) => s.select)
  const create = useChatStore((s) => s.create)
  const [agent, setAgent] = useState('')
  const [creating, setCreating] = useState(false)
  const chosen = agent || agents[0]?.id || ''

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const items = [...(e.currentTarget.closest('ul')?.querySelectorAll<HTMLButtonElement>('button.conv') ?? [])]
    const i = items.indexOf(e.currentTarget)
    items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
  }

  return (
    <aside className="conv-pane" aria-label="Conversations">
      <form className="new-chat" aria-label="New chat" onSubmit={async (e) => {
        e.preventDefault()
        if (!chosen) return
        setCreating(true)
        await create(chosen)
        setCreating(false)
      }}>
        <label className="field-label" htmlFor="new-chat-agent">New chat with</label>
        <div className="new-chat-row">
          <select id="new-chat-agent" aria-label="Agent" value={chosen} onChange={(e) => setAgent(e.target.value)}>
            {agents.map((a) => <option key={a.id} value={a.id}>{a.id}{a.model ? ` · ${a.model}` : ` · ${a.type}`}</option>)}
          </select>
          <Button type="submit" variant="primary" busy={creating} disabled={!chosen}>Start chat</Button>
        </div>
        {agents.length === 0 && <p className="faint small">No agents configured: add some to config/agents.yml and restart.</p>}
      </form>
      <ul className="conv-list">
        {conversations.map((c) => (
          <li key={c.id}>
            <button type="button" className={`conv ${c.id === selectedId ? 'conv-active' : ''}`} aria-current={c.id === selectedId ? 'true' : undefined} onClick={() => void select(c.id)} onKeyDown={onKeyDown}>
              <span className="conv-name">{c.name}</span>
              <span className="conv-meta faint">{c.rootAgent} · {c.length} · {c.branch}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  )
}
