/**
 * README table-of-contents check with GitHub's anchor rules (same logic as
 * shared/tools/toc_check.py): every heading must be linked from the TOC and every in-page link
 * must point at a real heading.
 */
export function slug(text: string): string {
  const plain = text
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
  let out = ''
  for (const ch of plain) {
    if (ch === ' ') out += '-'
    else if (ch === '-' || ch === '_' || /[\p{L}\p{N}\p{Mn}]/u.test(ch)) out += ch
  }
  return out
}

export interface Heading { level: number; text: string; anchor: string }

export function headingsOf(markdown: string): Heading[] {
  const seen = new Map<string, number>()
  const out: Heading[] = []
  let fence = false
  for (const line of markdown.split('\n')) {
    if (line.trimStart().startsWith('```')) { fence = !fence; continue }
    if (fence) continue
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line)
    if (!m) continue
    const s = slug(m[2]!)
    const n = seen.get(s) ?? 0
    seen.set(s, n + 1)
    out.push({ level: m[1]!.length, text: m[2]!, anchor: n === 0 ? s : `${s}-${n}` })
  }
  return out
}

/** Problems of the README's TOC: headings (below the title) not linked, links to no heading. */
export function tocProblems(markdown: string): string[] {
  const headings = headingsOf(markdown)
  const anchors = new Set(headings.map((h) => h.anchor))
  const links = new Set([...markdown.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]!))
  const problems: string[] = []
  for (const h of headings) {
    if (h.level >= 2 && h.text.toLowerCase() !== 'contents' && !links.has(h.anchor)) problems.push(`not in TOC: ${'#'.repeat(h.level)} ${h.text} (#${h.anchor})`)
  }
  for (const l of links) if (!anchors.has(l)) problems.push(`broken link: #${l}`)
  return problems
}

/** The "## Contents" list for the README's ## and #### headings (below the title). */
export function tocLines(markdown: string): string[] {
  return headingsOf(markdown)
    .filter((h) => (h.level === 2 || h.level === 4) && h.text !== 'Contents')
    .map((h) => `${h.level === 2 ? '' : '  '}- [${h.text}](#${h.anchor})`)
}
