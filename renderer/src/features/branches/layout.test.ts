import { describe, expect, it } from 'vitest'
import type { Branch } from '../../../../preload/contract'
import { layoutTree } from './layout'

const b = (branch: string, parent: string | null, createdAt: number): Branch => ({ branch, parent, createdAt, length: 1, lastTs: null, current: false, forkIndex: parent ? 0 : null, episodeId: 'e', forkText: null, firstText: null })

describe('layoutTree', () => {
  it('places branches depth first, children by creation time, orphans at the root', () => {
    const placed = layoutTree([b('main', null, 1), b('bbbbbbbb', 'main', 3), b('aaaaaaaa', 'main', 2), b('cccccccc', 'aaaaaaaa', 4), b('dddddddd', 'gone0000', 5)])
    expect(placed.map((p) => [p.branch.branch, p.row, p.depth, p.parentRow])).toEqual([
      ['main', 0, 0, null],
      ['aaaaaaaa', 1, 1, 0],
      ['cccccccc', 2, 2, 1],
      ['bbbbbbbb', 3, 1, 0],
      ['dddddddd', 4, 0, null],
    ])
  })
})
