import { useState, type FormEvent, type KeyboardEvent } from 'react'
import { Button } from '../../../shared/ui'

/** The message box: Enter sends, Shift+Enter adds a line. In `answer` mode it replies to a human-in-the-loop request. */
export function Composer({ mode, busy, disabled, onSubmit, choices, blockedHint }: {
  mode: 'message' | 'answer'
  busy: boolean
  disabled: boolean
  onSubmit: (text: string) => Promise<boolean>
  choices?: string[]
  /** Placeholder while sending is not possible, e.g. on a stuck branch. */
  blockedHint?: string
}) {
  const [text, setText] = useState('')
  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    const t = text.trim()
    if (!t || disabled) return
    if (await onSubmit(t)) setText('')
  }
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      void submit()
    }
  }
  const label = mode === 'answer' ? 'Your answer' : 'Message'
  return (
    <form className={`composer ${mode === 'answer' ? 'composer-answer' : ''}`} onSubmit={(e) => void submit(e)} aria-label={mode === 'answer' ? 'Answer the request' : 'Send a message'}>
      {choices && choices.length > 0 && (
        <div className="choices">
          {choices.map((c) => <Button key={c} type="button" onClick={() => void onSubmit(c)}>{c}</Button>)}
        </div>
      )}
      <label className="visually-hidden" htmlFor="composer-input">{label}</label>
      <textarea
        id="composer-input"
        rows={2}
        value={text}
        placeholder={mode === 'answer' ? 'Type your answer to the agent’s question…' : disabled ? (blockedHint ?? 'Waiting for the answer…') : 'Ask something, e.g. “What is the weather in Paris?” (Enter sends, Shift+Enter new line)'}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-label={label}
      />
      <Button type="submit" variant="primary" busy={busy} disabled={disabled || !text.trim()}>{mode === 'answer' ? 'Answer' : 'Send'}</Button>
    </form>
  )
}
