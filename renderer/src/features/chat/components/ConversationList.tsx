import { useMemo, useState, type KeyboardEvent } from 'react'
import { Button } from '../../../shared/ui'
import { useChatStore } from '../store'
import { ConversationItem } from './ConversationItem'

/** Arrow keys move between conversations. */
const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
  e.preventDefault()
  const items = [...(e.currentTarget.closest('.conv-pane')?.querySelectorAll<HTMLButtonElement>('button.conv') ?? [])]
  const i = items.indexOf(e.currentTarget)
  items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
}

/** The new-chat form, a search box, your conversations, and the ones rollouts made in their own group. */
export function ConversationList() {
  const agents = useChatStore((s) => s.agents)
  const conversations = useChatStore((s) => s.conversations)
  const selectedId = useChatStore((s) => s.selectedId)
  const connection = useChatStore((s) => s.connection)
  const loaded = useChatStore((s) => s.loaded)
  const select = useChatStore((s) => s.select)
  const create = useChatStore((s) => s.create)
  const [agent, setAgent] = useState('')
  const [creating, setCreating] = useState(false)
  const [query, setQuery] = useState('')
  const [showRollouts, setShowRollouts] = useState(false)
  const chosen = agent || agents[0]?.id || ''

  const [chats, rollouts] = useMemo(() => {
    const q = query.trim().toLowerCase()
    const hit = conversations.filter((c) => !q || `${c.title} ${c.name} ${c.rootAgent}`.toLowerCase().includes(q))
    return [hit.filter((c) => !c.rollout), hit.filter((c) => c.rollout)]
  }, [conversations, query])

  const item = (c: (typeof conversations)[number]) => (
    <li key={c.id}>
      <ConversationItem c={c} active={c.id === selectedId} onOpen={() => void select(c.id)} onKeyDown={onKeyDown} />
    </li>
  )

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
          <select id="new-chat-agent" aria-label="Agent" value={chosen} onChange={(e) => setAgent(e.target.value)} disabled={agents.length === 0}>
            {agents.map((a) => <option key={a.id} value={a.id}>{a.id}{a.model ? ` · ${a.model}` : ` · ${a.type}`}</option>)}
          </select>
          <Button type="submit" variant="primary" busy={creating} disabled={!chosen}>Start chat</Button>
        </div>
        {connection !== 'open' ? (
          <p className="faint small" role="status">Not connected to the P2Engine host; agents appear once it is back.</p>
        ) : loaded && agents.length === 0 ? (
          <p className="faint small">No agents configured: add some to config/agents.yml and restart.</p>
        ) : null}
      </form>
      <div className="conv-search">
        <input type="search" aria-label="Search conversations" placeholder="Search conversations" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className="conv-scroll">
        <ul className="conv-list" aria-label="Chats">
          {chats.map(item)}
          {chats.length === 0 && <li className="faint small conv-none">{query ? 'No chat matches.' : 'No chats yet.'}</li>}
        </ul>
        {rollouts.length > 0 && (
          <section className="conv-group" aria-label="Rollout conversations">
            <button type="button" className="conv-group-head" aria-expanded={showRollouts || Boolean(query)} onClick={() => setShowRollouts(!showRollouts)}>
              <span aria-hidden="true">{showRollouts || query ? '▾' : '▸'}</span> Rollout conversations <span className="faint">{rollouts.length}</span>
            </button>
            {(showRollouts || Boolean(query)) && <ul className="conv-list">{rollouts.map(item)}</ul>}
          </section>
        )}
      </div>
    </aside>
  )
}
