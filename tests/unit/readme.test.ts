import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { headingsOf, slug, tocProblems } from '../../scripts/readmeToc'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('README table of contents', () => {
  it('links every heading and every link points at a heading', () => {
    expect(headingsOf(readme).filter((h) => h.level === 4).length).toBeGreaterThan(5)
    expect(tocProblems(readme)).toEqual([])
  })

  it('follows GitHub anchor rules', () => {
    expect(slug('`p2engine ledger` — commands & options')).toBe('p2engine-ledger--commands--options')
    expect(headingsOf('## A\n## A\n```\n## not a heading\n```').map((h) => h.anchor)).toEqual(['a', 'a-1'])
    expect(tocProblems('## Contents\n- [B](#b)\n- [X](#x)\n## B\n#### C')).toEqual(['not in TOC: #### C (#c)', 'broken link: #x'])
  })
})
