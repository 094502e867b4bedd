import type { Command } from 'commander'
import pc from '../colors'
import { UserInputError } from '../../engine/errors'
import type { BundleManifest } from '../../bundles/format'
import type { ImportReport } from '../../bundles/importBundle'
import { formatBytes } from '../../storage/health/summary'
import type { CliContext } from '../context'
import { toJson } from '../output'
import type { Wrap } from '../program'

interface ExportOpts { conversation?: string[]; rollout?: string[]; all?: boolean; out?: string; json?: boolean }

const collectList = (v: string, prev: string[] = []): string[] => [...prev, v]
/** Lazily loaded: the bundle code (zip, zod schemas) is only imported when a bundle command runs. */
const service = () => import('../../bundles/service')

function hostOf(ctx: CliContext) {
  return { store: ctx.store, home: ctx.config.settings.home, config: ctx.config, env: { ...ctx.env } }
}

/** `12 conversations, 3 rollouts, 40 variants, …` (non-zero counts only). */
export function describeCounts(m: BundleManifest): string {
  const c = m.counts
  const parts: [number, string][] = [
    [c.conversations, 'conversation'], [c.branches, 'branch'], [c.entries, 'entry'], [c.artifacts, 'artifact'], [c.evaluations, 'evaluation'],
    [c.rollouts, 'rollout'], [c.variants, 'variant'], [c.recordings, 'recording'], [c.transfers, 'ledger transfer'], [c.configFiles, 'config file'],
  ]
  const plural = (n: number, w: string) => `${n} ${n === 1 ? w : w === 'branch' ? 'branches' : w === 'entry' ? 'entries' : `${w}s`}`
  return parts.filter(([n]) => n > 0).map(([n, w]) => plural(n, w)).join(', ') || 'nothing'
}

const summary = (m: BundleManifest) => ({ format: m.format, version: m.version, appVersion: m.appVersion, created: m.created, sourceMachine: m.sourceMachine, contents: m.contents, counts: m.counts })

function printReport(ctx: CliContext, r: ImportReport, dryRun: boolean): void {
  for (const i of r.items) {
    const what = `${i.kind} ${i.name} (${i.id})`
    if (i.status === 'imported') {
      ctx.io.out(`${dryRun ? 'Would import' : 'Imported'} ${what}`)
      if (i.renamed?.id) ctx.io.out(pc.yellow(`  its id ${i.sourceId} is taken here: ${dryRun ? 'would get' : 'got'} ${i.renamed.id}`))
      if (i.renamed?.name) ctx.io.out(pc.yellow(`  the name is taken here: ${dryRun ? 'would be' : 'named'} "${i.renamed.name}"`))
    } else {
      ctx.io.out(pc.dim(`${i.status === 'already-imported' ? 'Already imported' : 'Already here (the bundle was made on this machine)'}: ${what}; skipped`))
    }
  }
  if (r.refsRemapped > 0) ctx.io.out(pc.yellow(`${r.refsRemapped} artifact refs were taken here and ${dryRun ? 'would get' : 'got'} new ones.`))
  if (!r.changed) ctx.io.out(dryRun ? 'Importing it here would change nothing: everything in it is already here.' : 'Nothing changed: everything in this bundle is already here.')
}

/** `p2engine bundle export|inspect|verify|import`. */
export function registerBundleCommands(program: Command, wrap: Wrap): void {
  const bundle = program.command('bundle').description('portable, verifiable .p2bundle files: export conversations and rollouts, inspect, verify, import elsewhere')

  bundle
    .command('export')
    .description('write conversations and/or rollouts (with every variant\'s conversation), their artifacts, recordings and config to one file')
    .option('--conversation <name|id>', 'a conversation to include (repeatable)', collectList)
    .option('--rollout <id>', 'a rollout to include, with all its variants (repeatable)', collectList)
    .option('--all', 'every conversation and rollout')
    .option('--out <file>', 'where to write (default: a name from the content, in the current folder)')
    .option('--json', 'print the manifest summary as JSON')
    .action(wrap(async (ctx, o: ExportOpts) => {
      if (o.all && (o.conversation?.length || o.rollout?.length)) throw new UserInputError('--all cannot be combined with --conversation or --rollout', 'BAD_OPTIONS')
      const { exportBundle } = await service()
      const r = await exportBundle(hostOf(ctx), { conversations: o.conversation ?? [], rollouts: o.rollout ?? [], all: Boolean(o.all) }, o.out)
      if (o.json) return ctx.io.out(toJson({ file: r.file, bytes: r.bytes.length, ...summary(r.manifest) }))
      ctx.io.out(`Exported ${describeCounts(r.manifest)} to ${r.file} (${formatBytes(r.bytes.length)}).`)
    }))

  bundle
    .command('inspect <file>')
    .description('manifest, counts, entry sizes and what importing it here would do (changes nothing)')
    .option('--extract <dir>', 'also write its config files and rollout specs (rollouts/<id>.yml) into DIR, for `p2engine -c DIR --replay …`')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, file: string, o: { json?: boolean; extract?: string }) => {
      const { loadBundleBytes, importBundleBytes, verifyBundle } = await service()
      const { bytes, label } = await loadBundleBytes(file, ctx.env)
      const r = await importBundleBytes(hostOf(ctx), bytes, label, { dryRun: true })
      const m = r.manifest
      if (o.extract) {
        const { extractConfig } = await import('../../bundles/extract')
        const written = extractConfig(await verifyBundle(bytes, label), o.extract)
        if (!o.json) ctx.io.out(`Extracted ${written.length} files into ${o.extract}.`)
      }
      if (o.json) return ctx.io.out(toJson({ file, bytes: bytes.length, manifest: m, preview: { items: r.items, written: r.written, refsRemapped: r.refsRemapped, changed: r.changed } }))
      ctx.io.out(pc.bold(`Bundle ${label} · format ${m.format} v${m.version} · ${formatBytes(bytes.length)}`))
      ctx.io.out(`made by P2Engine ${m.appVersion} on machine ${m.sourceMachine} at ${m.created}`)
      ctx.io.out(`holds: ${describeCounts(m)}`)
      for (const c of m.contents.conversations) ctx.io.out(`  conversation ${c.name} (${c.id})`)
      for (const rr of m.contents.rollouts) ctx.io.out(`  rollout ${rr.id} (${rr.specFile})`)
      ctx.io.out('entries:')
      for (const e of m.entries) ctx.io.out(`  ${e.name.padEnd(28)} ${formatBytes(e.size).padStart(10)}  sha256 ${e.sha256.slice(0, 12)}…`)
      ctx.io.out('importing it here:')
      printReport(ctx, r, true)
    }))

  bundle
    .command('verify <file>')
    .description('check every checksum and row schema; exit 0 when all hold, else one line naming the bad entry')
    .action(wrap(async (ctx, file: string) => {
      const { loadBundleBytes, verifyBundle } = await service()
      const { bytes, label } = await loadBundleBytes(file, ctx.env)
      const c = await verifyBundle(bytes, label)
      ctx.io.out(`OK: ${label} verified (${c.manifest.entries.length + 1} entries; every checksum and row schema holds; ${describeCounts(c.manifest)}).`)
    }))

  bundle
    .command('import <file>')
    .description('verify, then import in one transaction; ids and names taken here get new ones; a second import changes nothing')
    .option('--json', 'print the import report as JSON')
    .action(wrap(async (ctx, file: string, o: { json?: boolean }) => {
      const { loadBundleBytes, importBundleBytes } = await service()
      const { bytes, label } = await loadBundleBytes(file, ctx.env)
      const r = await importBundleBytes(hostOf(ctx), bytes, label)
      if (o.json) return ctx.io.out(toJson({ file, bundle: r.bundle, sourceMachine: r.sourceMachine, items: r.items, written: r.written, refsRemapped: r.refsRemapped, changed: r.changed }))
      printReport(ctx, r, false)
      if (r.written.transfers) ctx.io.out(pc.dim(`${r.written.transfers} ledger transfers kept as history of the source run (local balances unchanged).`))
    }))
}
