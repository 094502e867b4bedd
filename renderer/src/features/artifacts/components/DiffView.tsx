/** A unified diff with added/removed lines coloured. */
export function DiffView({ text }: { text: string }) {
  if (!text) return <p className="muted">The two payloads are identical.</p>
  return (
    <pre className="diff mono" aria-label="Diff">
      {text.split('\n').map((line, i) => (
        <div key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'diff-add' : line.startsWith('-') && !line.startsWith('---') ? 'diff-del' : line.startsWith('@@') ? 'diff-hunk' : ''}>
          {line || ' '}
        </div>
      ))}
    </pre>
  )
}
