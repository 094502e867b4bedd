import { randomUUID } from 'node:crypto'
import { bundleError } from './errors'
import { storedEntryHeader } from '../storage/artifacts/entryHeader'
import { newRolloutId } from '../engine/rollouts/runner'
import { newArtifactRef } from '../storage/artifacts/ids'
import type { SqliteStore } from '../storage/sqliteStore'
import type { PayloadStore } from '../engine/ports/payloads'
import { looksLikePointer } from '../storage/payloads/pointer'
import { cachedPluck, cachedStatement } from '../storage/statementCache'
import { byRefParams, byRefSql } from '../storage/artifacts/byRef'
import { BRANCH_KEY_OF, KEY_OF, MAX_STACK_NO, NEXT_SEQ, nextConversationSeq } from '../storage/stacks/entryKeys'
import { SEQ_OF_ID } from '../storage/stacks/conversationIds'
import type { BundleContent, Row } from './format'

/** What happened to one bundled conversation or rollout. */
export interface ImportedItem {
  kind: 'conversation' | 'rollout'
  /** The id in the bundle. */
  sourceId: string
  /** The id here (the same when it was free). */
  id: string
  name: string
  /** `imported`; `already-imported` (an earlier import of it); `present` (the bundle came from this machine and it is here). */
  status: 'imported' | 'already-imported' | 'present'
  /** Set when the bundled id or name was taken here, so the item got a new one. */
  renamed?: { id?: string; name?: string }
}

export interface ImportReport {
  bundle: string
  sourceMachine: string
  items: ImportedItem[]
  /** Rows written per table (0 everywhere on a repeated import). */
  written: Record<string, number>
  /** Artifact refs that were taken here and got new ones. */
  refsRemapped: number
  changed: boolean
}

export interface ImportOptions {
  /** Bundle file name as the user gave it (recorded as the origin). */
  bundleFile: string
  bundleSha256: string
  localMachine: string
  now?: () => number
  /** Where this home keeps payloads (ARTIFACT_DRIVER): stack states and artifact bodies go through it. Default: inline. */
  payloads?: Pick<PayloadStore, 'put'>
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Replaces every remapped id inside stored text (JSON documents mention conversation ids, rollout ids and refs). */
function textRemapper(map: Map<string, string>): (s: string) => string {
  if (map.size === 0) return (s) => s
  const re = new RegExp([...map.keys()].sort((a, b) => b.length - a.length).map(esc).join('|'), 'g')
  return (s) => s.replace(re, (m) => map.get(m)!)
}

/**
 * Imports a verified bundle in ONE transaction (any error rolls everything back). Items already
 * imported from the same source machine, or (for a bundle made here) still present, are skipped,
 * so a second import writes nothing. Local work is never overwritten: a taken conversation id,
 * name, rollout id or artifact ref gets a new one, applied consistently to every row and stored
 * document that mentions it. Imported ledger transfers go to `bundle_transfers` (history only).
 */
export function importBundle(store: SqliteStore, b: BundleContent, o: ImportOptions): ImportReport {
  return store.write(() => importRows(store, b, o))
}

function importRows(store: SqliteStore, b: BundleContent, o: ImportOptions): ImportReport {
  const db = store.db
  const source = b.manifest.sourceMachine
  const at = (o.now ?? Date.now)()
  const written: Record<string, number> = {}
  const count = (t: string, n: number) => (written[t] = (written[t] ?? 0) + n)
  // Cached per connection: a coordinator imports every remote variant's result.
  const origin = cachedPluck(db, 'SELECT local_id FROM bundle_origins WHERE source_machine = ? AND kind = ? AND source_id = ?')
  const convExists = cachedPluck(db, `SELECT 1 FROM conversations WHERE seq = ${SEQ_OF_ID}`)
  const nameTaken = cachedPluck(db, 'SELECT 1 FROM conversations WHERE name = ?')
  const rolloutExists = cachedPluck(db, 'SELECT 1 FROM rollouts WHERE id = ?')
  const refTaken = cachedPluck(db, `SELECT EXISTS (${byRefSql('1', '1', '1')})`)
  const items: ImportedItem[] = []
  const idMap = new Map<string, string>()
  const localConv = new Map<string, string>()
  const fresh = new Set<string>()
  const names = new Set<string>()

  for (const c of b.rows.conversations) {
    const prior = origin.get(source, 'conversation', c.id) as string | undefined
    if (prior !== undefined || (source === o.localMachine && convExists.get(c.id))) {
      localConv.set(c.id, prior ?? c.id)
      items.push({ kind: 'conversation', sourceId: c.id, id: prior ?? c.id, name: c.name, status: prior !== undefined ? 'already-imported' : 'present' })
      continue
    }
    const id = convExists.get(c.id) ? `chat_${randomUUID()}` : c.id
    let name = c.name
    for (let n = 1; nameTaken.get(name) || names.has(name); n++) name = `${c.name} (imported${n > 1 ? ` ${n}` : ''})`
    names.add(name)
    if (id !== c.id) idMap.set(c.id, id)
    localConv.set(c.id, id)
    fresh.add(c.id)
    const renamed = { ...(id !== c.id ? { id } : {}), ...(name !== c.name ? { name } : {}) }
    items.push({ kind: 'conversation', sourceId: c.id, id, name, status: 'imported', ...(Object.keys(renamed).length ? { renamed } : {}) })
  }

  const freshRollouts = new Set<string>()
  for (const r of b.rows.rollouts) {
    const prior = origin.get(source, 'rollout', r.id) as string | undefined
    if (prior !== undefined || (source === o.localMachine && rolloutExists.get(r.id))) {
      items.push({ kind: 'rollout', sourceId: r.id, id: prior ?? r.id, name: r.spec_file, status: prior !== undefined ? 'already-imported' : 'present' })
      continue
    }
    let id = r.id
    while (rolloutExists.get(id)) id = newRolloutId()
    if (id !== r.id) idMap.set(r.id, id)
    freshRollouts.add(r.id)
    items.push({ kind: 'rollout', sourceId: r.id, id, name: r.spec_file, status: 'imported', ...(id !== r.id ? { renamed: { id } } : {}) })
  }

  // Refs of imported conversations that are taken here get new ones.
  let refsRemapped = 0
  const refs = new Set([...b.rows.artifacts.filter((a) => fresh.has(a.session_id)).map((a) => a.ref), ...b.rows.entries.filter((e) => fresh.has(e.conversation_id) && e.copied === 0).map((e) => e.ref)])
  for (const ref of refs) {
    if (!refTaken.get(...byRefParams(ref))) continue
    idMap.set(ref, newArtifactRef())
    refsRemapped++
  }
  const tx = textRemapper(idMap)
  const conv = (id: string) => localConv.get(id) ?? idMap.get(id) ?? id
  const ref = (r: string) => idMap.get(r) ?? r
  // A payload column goes through this home's driver (s3: large ones to the bucket, a pointer in the row).
  const payload = (text: string) => (o.payloads && !looksLikePointer(text) ? o.payloads.put(text) : text)

  const ins = (sql: string) => cachedStatement(db, sql)
  const insConv = ins('INSERT INTO conversations (seq, id, name, root_agent, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)')
  const nextSeq = cachedPluck(db, NEXT_SEQ)
  const insBranch = ins(`INSERT INTO stack_branches (key, conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at)
    VALUES (${BRANCH_KEY_OF}, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insCurrent = ins('INSERT INTO stack_current (conversation_id, agent_id, branch_id) VALUES (?, ?, ?)')
  // The entry's key is (its conversation's seq, its branch's stack number, its index): entryKeys.ts.
  const insEntry = ins(`INSERT INTO stack_entries (key, conversation_id, agent_id, branch_id, idx, ts, kind, ref, copied, episode_id, step_idx, state_id, score, reward, header, state)
    VALUES (${KEY_OF}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insArtifact = ins(`INSERT INTO artifacts (ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insLink = ins('INSERT OR IGNORE INTO artifact_relations (child_ref, parent_ref, position) VALUES (?, ?, ?)')
  const insOverride = ins('INSERT OR IGNORE INTO agent_overrides (conversation_id, agent_id, doc, locked, updated_at) VALUES (?, ?, ?, ?, ?)')
  const insRecording = ins('INSERT OR IGNORE INTO model_recordings (hash, ordinal, model, doc, recorded_at, conversation_id) VALUES (?, ?, ?, ?, ?, ?)')
  const insTransfer = ins(`INSERT OR IGNORE INTO bundle_transfers (source_machine, tx_id, conversation_id, command_id, from_agent, to_agent, amount, reason, committed_at, details)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insRollout = ins('INSERT INTO rollouts (id, spec_file, spec, status, created_at, finished_at, ledger_before, ledger_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const insVariant = ins(`INSERT INTO rollout_variants (rollout_id, team, variant_id, position, status, conversation_id, overrides, metrics, error, started_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insOrigin = ins('INSERT INTO bundle_origins (kind, local_id, source_id, source_machine, bundle_file, bundle_sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)')

  const run = (t: string, stmt: ReturnType<typeof ins>, ...args: unknown[]) => count(t, stmt.run(...args).changes)
  // A fresh conversation's seq (NEXT_SEQ), and its stacks numbered from 0 in bundle order.
  const seqOf = new Map<string, number>()
  const stacks = new Map<string, [seq: number, stackNo: number]>()
  const stackCount = new Map<number, number>()
  const stackOf = (c: string, a: string, br: string): [number, number] => {
    const s = stacks.get(`${c}\u0000${a}\u0000${br}`)
    if (!s) throw bundleError(o.bundleFile, `entries of conversation ${c}, agent ${a}, branch ${br} have no branch row`)
    return s
  }
  for (const c of b.rows.conversations.filter((c) => fresh.has(c.id))) {
    const item = items.find((i) => i.kind === 'conversation' && i.sourceId === c.id)!
    // The conversation's part of its entry keys (entryKeys.ts), as the store picks it.
    const seq = nextConversationSeq(nextSeq, 'import into another P2ENGINE_HOME')
    run('conversations', insConv, seq, conv(c.id), item.name, c.root_agent, c.created_at, tx(c.metadata))
    seqOf.set(c.id, seq)
    insOrigin.run('conversation', conv(c.id), c.id, source, o.bundleFile, o.bundleSha256, at)
  }
  const mine = <T extends { conversation_id: string }>(rows: T[]) => rows.filter((r) => fresh.has(r.conversation_id))
  for (const r of mine(b.rows.branches)) {
    const seq = seqOf.get(r.conversation_id)!
    const stack: [number, number] = [seq, stackCount.get(seq) ?? 0]
    stackCount.set(seq, stack[1] + 1)
    if (stack[1] > MAX_STACK_NO) throw bundleError(o.bundleFile, `conversation ${r.conversation_id} has more than ${MAX_STACK_NO + 1} branches`)
    stacks.set(`${r.conversation_id}\u0000${r.agent_id}\u0000${r.branch_id}`, stack)
    run('branches', insBranch, ...stack, conv(r.conversation_id), r.agent_id, r.branch_id, r.parent_branch, r.fork_index, r.length, r.last_ts, r.episode_id, r.created_at)
  }
  for (const r of mine(b.rows.branches)) if (r.current === 1) insCurrent.run(conv(r.conversation_id), r.agent_id, r.branch_id)
  for (const e of mine(b.rows.entries)) {
    run('entries', insEntry, ...stackOf(e.conversation_id, e.agent_id, e.branch_id), e.idx, conv(e.conversation_id), e.agent_id, e.branch_id, e.idx, e.ts, e.kind, ref(e.ref), e.copied, e.episode_id, e.step_idx, e.state_id, e.score, e.reward, storedEntryHeader(tx(e.header)), payload(tx(e.state)))
  }
  const freshArtifacts = b.rows.artifacts.filter((a) => fresh.has(a.session_id))
  for (const a of freshArtifacts) {
    run('artifacts', insArtifact, ref(a.ref), conv(a.session_id), a.agent_id, a.branch_id, a.episode_id, a.step_idx, a.type, a.role, a.state_kind, a.state_id, a.mime, a.ts, a.score, a.reward, a.raw_len, tx(a.header), payload(tx(a.body)))
  }
  for (const l of b.rows.links.filter((l) => refs.has(l.child_ref))) run('links', insLink, ref(l.child_ref), ref(l.parent_ref), l.position)
  for (const r of mine(b.rows.overrides)) run('overrides', insOverride, conv(r.conversation_id), r.agent_id, tx(r.doc), r.locked, r.updated_at)
  // A recording names its conversation here only if that conversation came with the bundle (under its local id).
  const recordedFor = (id: string | null) => (id !== null && localConv.has(id) ? conv(id) : null)
  for (const r of b.rows.recordings) run('recordings', insRecording, r.hash, r.ordinal, r.model, r.doc, r.recorded_at, recordedFor(r.conversation_id))
  for (const t of mine(b.rows.transfers)) run('transfers', insTransfer, source, t.tx_id, conv(t.conversation_id), t.command_id, t.from_agent, t.to_agent, t.amount, t.reason, t.committed_at, tx(t.details))
  for (const r of b.rows.rollouts.filter((r) => freshRollouts.has(r.id))) {
    const id = idMap.get(r.id) ?? r.id
    run('rollouts', insRollout, id, r.spec_file, tx(r.spec), r.status, r.created_at, r.finished_at, r.ledger_before, r.ledger_after)
    insOrigin.run('rollout', id, r.id, source, o.bundleFile, o.bundleSha256, at)
  }
  for (const v of b.rows.variants.filter((v: Row<'variants'>) => freshRollouts.has(v.rollout_id))) {
    run('variants', insVariant, idMap.get(v.rollout_id) ?? v.rollout_id, v.team, v.variant_id, v.position, v.status, v.conversation_id && conv(v.conversation_id), tx(v.overrides), v.metrics && tx(v.metrics), v.error, v.started_at, v.finished_at)
  }
  const changed = Object.values(written).some((n) => n > 0)
  return { bundle: o.bundleFile, sourceMachine: source, items, written, refsRemapped, changed }
}
