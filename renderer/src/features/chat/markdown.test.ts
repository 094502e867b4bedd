import { describe, expect, it } from 'vitest'
import { parseInline, parseMarkdown, prettyJson, safeHref } from './markdown'

describe('markdown subset', () => {
  it('parses headings, paragraphs, lists, quotes and fenced code', () => {
    expect(parseMarkdown('# Title\n\nSome **bold** and *it*.\n\n- one\n- `two`\n\n1. a\n2. b\n\n> quoted\n\n```js\nconst x = 1 < 2\n```')).toEqual([
      { t: 'heading', level: 1, children: [{ t: 'text', text: 'Title' }] },
      { t: 'paragraph', children: [{ t: 'text', text: 'Some ' }, { t: 'strong', children: [{ t: 'text', text: 'bold' }] }, { t: 'text', text: ' and ' }, { t: 'em', children: [{ t: 'text', text: 'it' }] }, { t: 'text', text: '.' }] },
      { t: 'list', ordered: false, start: 1, items: [[{ t: 'text', text: 'one' }], [{ t: 'code', text: 'two' }]] },
      { t: 'list', ordered: true, start: 1, items: [[{ t: 'text', text: 'a' }], [{ t: 'text', text: 'b' }]] },
      { t: 'quote', children: [{ t: 'paragraph', children: [{ t: 'text', text: 'quoted' }] }] },
      { t: 'code', lang: 'js', text: 'const x = 1 < 2' },
    ])
  })

  it('keeps only http(s) and mailto links; other schemes stay text', () => {
    expect(parseInline('[docs](https://example.com/a) and [x](javascript:alert) ok')).toEqual([
      { t: 'link', href: 'https://example.com/a', children: [{ t: 'text', text: 'docs' }] },
      { t: 'text', text: ' and ' },
      { t: 'text', text: 'x' },
      { t: 'text', text: ' ok' },
    ])
    expect(safeHref('data:text/html,hi')).toBeNull()
    expect(parseInline('<b>not html</b> snake_case_name')).toEqual([{ t: 'text', text: '<b>not html</b> snake_case_name' }])
  })

  it('pretty-prints JSON objects and arrays, nothing else', () => {
    expect(prettyJson('{"a":1,"b":[2]}')).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}')
    expect(prettyJson('{not json}')).toBeNull()
    expect(prettyJson('plain')).toBeNull()
  })
})
