import type { Branch } from '../../../../preload/contract'

/** One placed node of the branch tree. */
export interface PlacedBranch {
  branch: Branch
  row: number
  depth: number
  parentRow: number | null
}

/**
 * Places branches like a git graph: one row per branch in depth-first order (children by creation
 * time), indented by depth. Orphans (parent pruned) hang off the root level.
 */
export function layoutTree(branches: readonly Branch[]): PlacedBranch[] {
  const byParent = new Map<string | null, Branch[]>()
  const known = new Set(branches.map((b) => b.branch))
  for (const b of branches) {
    const key = b.parent && known.has(b.parent) ? b.parent : null
    byParent.set(key, [...(byParent.get(key) ?? []), b])
  }
  for (const list of byParent.values()) list.sort((a, b) => (a.branch === 'main' ? -1 : b.branch === 'main' ? 1 : a.createdAt - b.createdAt))
  const out: PlacedBranch[] = []
  const walk = (parent: string | null, depth: number, parentRow: number | null) => {
    for (const b of byParent.get(parent) ?? []) {
      const row = out.length
      out.push({ branch: b, row, depth, parentRow })
      walk(b.branch, depth + 1, row)
    }
  }
  walk(null, 0, null)
  return out
}
