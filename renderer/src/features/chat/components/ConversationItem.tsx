import { useState, type KeyboardEvent } from 'react'
import type { ConversationSummary } from '../../../../../preload/contract'
import { deleteConversation, renameConversation } from '../storeActions'

const STATUS_DOT: Record<string, string> = { needs_turn: 'busy', awaiting_tools: 'busy', awaiting_human: 'wait' }

/** One conversation in the list: open on click; rename in place; delete after a confirm. */
export function ConversationItem({ c, active, onOpen, onKeyDown }: {
  c: ConversationSummary
  active: boolean
  onOpen: () => void
  onKeyDown: (e: KeyboardEvent<HTMLButtonElement>) => void
}) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm'>('view')
  const [name, setName] = useState(c.title)
  const save = async () => {
    if (name.trim() && name.trim() !== c.title && !(await renameConversation(c.id, name.trim()))) return
    setMode('view')
  }
  if (mode === 'rename') {
    return (
      <form className="conv conv-editing" onSubmit={(e) => { e.preventDefault(); void save() }}>
        <input aria-label="New name" value={name} autoFocus onChange={(e) => setName(e.target.value)} onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); setMode('view') } }} maxLength={200} />
        <div className="conv-edit-actions">
          <button type="submit" className="chip-btn">Save</button>
          <button type="button" className="chip-btn" onClick={() => setMode('view')}>Cancel</button>
        </div>
      </form>
    )
  }
  return (
    <div className={`conv-row ${active ? 'conv-active' : ''}`}>
      <button type="button" className="conv" aria-current={active ? 'true' : undefined} onClick={onOpen} onKeyDown={onKeyDown} title={c.name}>
        <span className="conv-name">{(c.stuck || STATUS_DOT[c.status]) && <span className={`conv-dot conv-dot-${c.stuck ? 'wait' : STATUS_DOT[c.status]}`} aria-hidden="true" title={c.stuck ? 'stuck: open it to resume or cancel' : undefined} />}{c.title}</span>
        <span className="conv-meta faint">{c.rootAgent} · {c.length} entries{c.branch !== 'main' ? ` · ${c.branch}` : ''}</span>
      </button>
      {mode === 'confirm' ? (
        <div className="conv-confirm" role="group" aria-label={`Delete ${c.title}?`}>
          <span className="small">Delete with all branches?</span>
          <button type="button" className="chip-btn chip-btn-danger" onClick={() => void deleteConversation(c.id)}>Delete</button>
          <button type="button" className="chip-btn" onClick={() => setMode('view')}>Keep</button>
        </div>
      ) : (
        <div className="conv-tools">
          <button type="button" className="chip-btn" aria-label="Rename" title={`Rename ${c.title}`} onClick={() => { setName(c.title); setMode('rename') }}>Rename</button>
          {!c.rollout && <button type="button" className="chip-btn" aria-label="Delete" title={`Delete ${c.title}`} onClick={() => setMode('confirm')}>Delete</button>}
        </div>
      )}
    </div>
  )
}
