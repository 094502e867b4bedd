import type { ReactNode } from 'react'
import { parseMarkdown, prettyJson, type Block, type Inline } from '../markdown'

const inline = (nodes: Inline[], key = 'i'): ReactNode[] =>
  nodes.map((n, i) => {
    const k = `${key}.${i}`
    switch (n.t) {
      case 'text': return n.text
      case 'br': return <br key={k} />
      case 'code': return <code key={k} className="md-code">{n.text}</code>
      case 'strong': return <strong key={k}>{inline(n.children, k)}</strong>
      case 'em': return <em key={k}>{inline(n.children, k)}</em>
      case 'link': return <a key={k} href={n.href} target="_blank" rel="noopener noreferrer">{inline(n.children, k)}</a>
    }
  })

const block = (b: Block, i: number): ReactNode => {
  const k = `b${i}`
  switch (b.t) {
    case 'heading': {
      const H = `h${Math.min(6, b.level + 2)}` as 'h3'
      return <H key={k} className="md-h">{inline(b.children, k)}</H>
    }
    case 'paragraph': return <p key={k}>{inline(b.children, k)}</p>
    case 'code': return <pre key={k} className="md-pre" data-lang={b.lang || undefined}><code>{b.text}</code></pre>
    case 'quote': return <blockquote key={k}>{b.children.map(block)}</blockquote>
    case 'list': {
      const items = b.items.map((it, j) => <li key={j}>{inline(it, `${k}.${j}`)}</li>)
      return b.ordered ? <ol key={k} start={b.start}>{items}</ol> : <ul key={k}>{items}</ul>
    }
  }
}

/**
 * Markdown as React elements (never raw HTML): the answer text of an agent. A JSON object or
 * array is shown pretty-printed. Uses the small built-in parser in `markdown.ts`.
 */
export function Markdown({ text }: { text: string }) {
  const json = prettyJson(text)
  if (json) return <div className="md"><pre className="md-pre" data-lang="json"><code>{json}</code></pre></div>
  return <div className="md">{parseMarkdown(text).map(block)}</div>
}
