import type { ArtifactRow } from '../../../../preload/contract'

/**
 * Case-insensitive text match over the fields the table shows (ref, conversation id and name,
 * agent, role, kind, tags).
 */
export function filterRows(rows: readonly ArtifactRow[], text: string, names: Readonly<Record<string, string>> = {}): readonly ArtifactRow[] {
  const needle = text.trim().toLowerCase()
  if (!needle) return rows
  return rows.filter((r) =>
    r.ref.includes(needle) || r.sessionId.toLowerCase().includes(needle) || (names[r.sessionId] ?? '').toLowerCase().includes(needle) ||
    r.agentId.toLowerCase().includes(needle) || r.role.toLowerCase().includes(needle) || (r.stateKind ?? '').includes(needle) ||
    r.tags.some((t) => t.toLowerCase().includes(needle)))
}
