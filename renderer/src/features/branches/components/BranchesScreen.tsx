import { useEffect, useState } from 'react'
import { useChatStore } from '../../chat'
import { Alert, Badge, Button, Card, EmptyState, Field, Icon } from '../../../shared/ui'
import { useBranchesStore } from '../store'
import { BranchTree } from './BranchTree'
import { CompareView } from './CompareView'
import './branches.css'

/** The Branches screen: the tree of the open conversation, with checkout, rewind and compare. */
export function BranchesScreen() {
  const conversations = useChatStore((s) => s.conversations)
  const selectedId = useChatStore((s) => s.selectedId)
  const selectConversation = useChatStore((s) => s.select)
  const b = useBranchesStore()
  const [other, setOther] = useState('')
  const [rewindAt, setRewindAt] = useState('')

  useEffect(() => {
    void useChatStore.getState().refresh()
  }, [])
  useEffect(() => {
    void useBranchesStore.getState().load(selectedId)
  }, [selectedId])

  const focused = b.list?.branches.find((x) => x.branch === b.focused) ?? null
  const others = b.list?.branches.filter((x) => x.branch !== b.focused) ?? []
  const compareTarget = other || others[0]?.branch || ''
  const afterChange = () => void useChatStore.getState().reload()

  return (
    <div className="screen branches">
      <header className="screen-header">
        <div>
          <h1>Branches</h1>
          <p className="muted">Every agent of a conversation keeps a tree of branches: fork or edit a message in Chat, then switch, rewind or compare here. Nothing is ever deleted.</p>
        </div>
        <div className="screen-actions">
          <label className="conv-pick">
            <span className="field-label">Conversation</span>
            <select aria-label="Conversation" value={selectedId ?? ''} onChange={(e) => void selectConversation(e.target.value || null)}>
              <option value="">Choose a conversation…</option>
              {conversations.map((c) => <option key={c.id} value={c.id}>{c.title}{c.rollout ? ' (rollout)' : ''}</option>)}
            </select>
          </label>
          {b.list && b.list.agents.length > 1 && (
            <label className="conv-pick agent-pick">
              <span className="field-label">Agent</span>
              <select aria-label="Agent" value={b.agentId ?? b.list.agents[0]} onChange={(e) => void b.pickAgent(e.target.value === b.list?.agents[0] ? null : e.target.value)}>
                {b.list.agents.map((a, i) => <option key={a} value={a}>{a}{i === 0 ? ' (root)' : ' (delegated)'}</option>)}
              </select>
            </label>
          )}
        </div>
      </header>
      {b.error && <Alert tone="error" title="That did not work">{b.error.message} <span className="faint">({b.error.code})</span></Alert>}
      {b.notice && <Alert tone="info" title="Rewound to an idle point">{b.notice} <button type="button" className="chip-btn" onClick={b.clearNotice}>Dismiss</button></Alert>}
      {!selectedId ? (
        <div className="card">
          <EmptyState icon={<Icon name="branches" size={26} />} title={conversations.length ? 'Choose a conversation' : 'No conversations yet'}>
            {conversations.length
              ? 'Pick one above to see its branches.'
              : <>Start one in Chat (press <kbd>1</kbd>), send a few messages and use <strong>Fork here</strong> on one of them.</>}
          </EmptyState>
        </div>
      ) : b.list && b.list.branches.length === 0 ? (
        <div className="card"><EmptyState title="No messages yet">Send a message in Chat first; the first message creates the main branch.</EmptyState></div>
      ) : (
        <div className="branches-grid">
          <Card title={`Tree · ${b.list?.agentId ?? ''}`} label="Branch tree">
            <div className="tree-scroll">{b.list && <BranchTree branches={b.list.branches} focused={b.focused} onFocus={(x) => { b.focus(x); setRewindAt('') }} />}</div>
          </Card>
          {focused && (
            <Card title={`Branch ${focused.branch}`} label="Branch details">
              <dl className="kv">
                <div><dt>Entries</dt><dd>{focused.length}</dd></div>
                <div><dt>Asks</dt><dd>{focused.firstText ?? <span className="faint">no own question yet</span>}</dd></div>
                <div><dt>Parent</dt><dd>{focused.parent ? `${focused.parent} after entry ${focused.forkIndex}` : '— (root)'}</dd></div>
                {focused.forkText && <div><dt>Fork point</dt><dd>{focused.forkText}</dd></div>}
                <div><dt>Episode</dt><dd className="mono">{focused.episodeId}</dd></div>
                <div><dt>Created</dt><dd>{new Date(focused.createdAt).toLocaleString()}</dd></div>
                <div><dt>Status</dt><dd>{focused.current ? <Badge tone="good">checked out</Badge> : <Badge>not checked out</Badge>}</dd></div>
              </dl>
              <div className="branch-actions">
                <Button variant="primary" disabled={focused.current || b.busy} onClick={async () => { if (await b.checkout(focused.branch)) afterChange() }}>Checkout</Button>
              </div>
              <div className="branch-actions">
                <Field label="Compare with">
                  <select value={compareTarget} onChange={(e) => setOther(e.target.value)} disabled={others.length === 0}>
                    {others.map((o) => <option key={o.branch} value={o.branch}>{o.branch}</option>)}
                  </select>
                </Field>
                <Button disabled={!compareTarget} onClick={() => void b.compareWith(focused.branch, compareTarget)}>Compare</Button>
              </div>
              <div className="branch-actions">
                <Field label="Rewind to entry" hint={`A new branch with entries 0…N of ${focused.branch}, checked out; ${focused.branch} keeps all ${focused.length}.`}>
                  <input inputMode="numeric" value={rewindAt} placeholder={String(Math.max(0, focused.length - 2))} onChange={(e) => setRewindAt(e.target.value)} />
                </Field>
                <Button disabled={!/^\d+$/.test(rewindAt) || b.busy} onClick={async () => { if (await b.rewind(focused.branch, Number(rewindAt))) { setRewindAt(''); afterChange() } }}>Rewind</Button>
              </div>
            </Card>
          )}
        </div>
      )}
      {b.compare && <CompareView data={b.compare} onClose={b.closeCompare} />}
    </div>
  )
}
