/**
 * A small, safe Markdown subset parser (no HTML ever passes through): headings, paragraphs,
 * fenced code, bullet and numbered lists, block quotes, and inline **bold**, *italic*, `code`
 * and [links](https://…). It returns a tree the Markdown component turns into React elements.
 * Stand-in until a maintained renderer (react-markdown) can be added to the dependencies.
 */

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string; children: Inline[] }
  | { t: 'br' }

export type Block =
  | { t: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { t: 'paragraph'; children: Inline[] }
  | { t: 'code'; lang: string; text: string }
  | { t: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { t: 'quote'; children: Block[] }

const SAFE_HREF = /^(https?:|mailto:)/i

/** Only http(s) and mailto links become links; anything else (javascript:, data:) stays text. */
export const safeHref = (href: string): string | null => (SAFE_HREF.test(href.trim()) ? href.trim() : null)

/** Parses inline markup of one block's text. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = []
  let text = ''
  const flush = () => {
    if (text) out.push({ t: 'text', text })
    text = ''
  }
  let i = 0
  while (i < src.length) {
    const rest = src.slice(i)
    const ch = src[i]!
    if (ch === '\\' && i + 1 < src.length && /[\\`*_[\]()#>-]/.test(src[i + 1]!)) {
      text += src[i + 1]
      i += 2
      continue
    }
    if (ch === '\n') {
      flush()
      out.push({ t: 'br' })
      i++
      continue
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1)
      if (end > i + 1) {
        flush()
        out.push({ t: 'code', text: src.slice(i + 1, end) })
        i = end + 1
        continue
      }
    }
    const strong = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest)
    if (strong) {
      flush()
      out.push({ t: 'strong', children: parseInline(strong[2]!) })
      i += strong[0].length
      continue
    }
    const em = /^(\*|_)(?=\S)([\s\S]*?\S)\1(?![*_])/.exec(rest)
    if (em && (ch === '*' || !/\w/.test(src[i - 1] ?? ''))) {
      flush()
      out.push({ t: 'em', children: parseInline(em[2]!) })
      i += em[0].length
      continue
    }
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest)
    if (link) {
      const href = safeHref(link[2]!)
      flush()
      if (href) out.push({ t: 'link', href, children: parseInline(link[1]!) })
      else out.push({ t: 'text', text: link[1]! })
      i += link[0].length
      continue
    }
    const bare = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(rest)
    if (bare && !/\w/.test(src[i - 1] ?? '')) {
      flush()
      out.push({ t: 'link', href: bare[0], children: [{ t: 'text', text: bare[0] }] })
      i += bare[0].length
      continue
    }
    text += ch
    i++
  }
  flush()
  return out
}

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/
const QUOTE = /^\s{0,3}>\s?(.*)$/

/** Parses Markdown text into blocks. */
export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let para: string[] = []
  const endPara = () => {
    if (para.length) blocks.push({ t: 'paragraph', children: parseInline(para.join('\n')) })
    para = []
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = FENCE.exec(line)
    if (fence) {
      endPara()
      const body: string[] = []
      let j = i + 1
      while (j < lines.length && !lines[j]!.trim().startsWith(fence[1]!)) body.push(lines[j++]!)
      blocks.push({ t: 'code', lang: fence[2] ?? '', text: body.join('\n') })
      i = j
      continue
    }
    if (line.trim() === '') {
      endPara()
      continue
    }
    const heading = HEADING.exec(line)
    if (heading) {
      endPara()
      blocks.push({ t: 'heading', level: heading[1]!.length as 1, children: parseInline(heading[2]!) })
      continue
    }
    const bullet = BULLET.exec(line)
    const numbered = NUMBERED.exec(line)
    if (bullet || numbered) {
      endPara()
      const ordered = !bullet
      const items: Inline[][] = []
      let j = i
      for (; j < lines.length; j++) {
        const m = ordered ? NUMBERED.exec(lines[j]!) : BULLET.exec(lines[j]!)
        if (m) items.push(parseInline(ordered ? m[2]! : m[1]!))
        else if (/^\s{2,}\S/.test(lines[j]!) && items.length) items[items.length - 1]!.push({ t: 'br' }, ...parseInline(lines[j]!.trim()))
        else break
      }
      blocks.push({ t: 'list', ordered, start: numbered ? Number(numbered[1]) : 1, items })
      i = j - 1
      continue
    }
    const quote = QUOTE.exec(line)
    if (quote) {
      endPara()
      const body: string[] = []
      let j = i
      for (; j < lines.length; j++) {
        const m = QUOTE.exec(lines[j]!)
        if (!m) break
        body.push(m[1]!)
      }
      blocks.push({ t: 'quote', children: parseMarkdown(body.join('\n')) })
      i = j - 1
      continue
    }
    para.push(line)
  }
  endPara()
  return blocks
}

/** Pretty JSON when `text` is a JSON object or array, else null. */
export function prettyJson(text: string): string | null {
  const t = text.trim()
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return null
  try {
    return JSON.stringify(JSON.parse(t), null, 2)
  } catch {
    return null
  }
}
