import type { SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import type { InstallProgress } from '../../ledger/canton/install/installer'
import { CANTON_PINS, resolveTarget } from '../../ledger/canton/install/pins'
import { JAVA_INSTALL_LINES } from '../../ledger/canton/sandbox/discover'
import type { CliContext } from '../context'
import { panel, pc, processOutput, table, toJson } from '../output'
import type { Wrap } from '../program'

interface InstallOpts { version?: string; url?: string; sha256?: string; force?: boolean; list?: boolean; json?: boolean }

const mb = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`)

/** A progress bar on an interactive stderr; phase lines otherwise (pipes, tests, --json prints none). */
function progressReporter(ctx: CliContext, quiet: boolean, Bar: typeof SingleBar): { onProgress: (p: InstallProgress) => void; stop: () => void } {
  if (quiet) return { onProgress: () => undefined, stop: () => undefined }
  const tty = ctx.io === processOutput && process.stderr.isTTY
  let bar: SingleBar | undefined
  let said = ''
  return {
    onProgress: (p) => {
      if (p.phase === 'download' && tty) {
        bar ??= new Bar({ format: 'Downloading Canton [{bar}] {percentage}% {got}/{all} · ETA {eta_formatted}', hideCursor: true, stream: process.stderr })
        if (!bar.isActive) bar.start(p.total ?? 0, 0, { got: mb(0), all: p.total ? mb(p.total) : '?' })
        if (p.total) bar.setTotal(p.total)
        bar.update(p.received, { got: mb(p.received), all: p.total ? mb(p.total) : '?' })
        return
      }
      if (p.phase !== 'download') bar?.stop()
      const line = p.phase === 'download' ? 'Downloading…' : p.phase === 'verify' ? 'Verifying SHA-256…' : p.phase === 'unpack' ? 'Unpacking…' : ''
      if (line && line !== said) { said = line; ctx.io.err(pc.dim(line)) }
    },
    stop: () => bar?.stop(),
  }
}

/** `p2engine ledger canton install`: download, verify and unpack a pinned open-source Canton release. */
export function registerCantonInstall(canton: Command, wrap: Wrap): void {
  canton
    .command('install')
    .description('download a pinned open-source Canton release, verify its SHA-256 and unpack it under $P2ENGINE_HOME/canton/<version>')
    .option('--version <version>', `release to install (default ${CANTON_PINS[0]!.version}; see --list)`)
    .option('--url <url>', 'download from this mirror instead (the pinned digest still applies)')
    .option('--sha256 <hex>', 'expect this SHA-256 instead of the pinned one')
    .option('--force', 'reinstall even when that version is installed')
    .option('--list', 'show the pinned and installed releases')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: InstallOpts) => {
      // The installer (tar, download) and the progress bar load only when this command runs.
      const [{ installCanton, installedVersions }, { SingleBar }] = await Promise.all([import('../../ledger/canton/install/installer'), import('cli-progress')])
      const home = ctx.config.settings.home
      if (opts.list) {
        const installed = installedVersions(home)
        const rows = CANTON_PINS.map((p) => ({ ...p, installed: installed.some((i) => i.version === p.version) }))
        if (opts.json) return ctx.io.out(toJson({ pins: rows, installed }))
        return ctx.io.out(table('Canton releases', ['Version', 'Installed', 'SHA-256', 'Digest from', 'URL'], rows.map((r) => [r.version, r.installed ? pc.green('✓') : '', r.sha256, r.digestSource, r.url])))
      }
      const target = resolveTarget(opts)
      if (!opts.json) ctx.io.err(`Canton ${target.version} from ${target.url}\nexpected SHA-256 ${target.sha256}${target.overridden ? ' (overridden)' : ''}`)
      const progress = progressReporter(ctx, Boolean(opts.json), SingleBar)
      let r
      try {
        r = await installCanton({ home, target, force: opts.force, env: ctx.env, onProgress: progress.onProgress })
      } finally {
        progress.stop()
      }
      if (opts.json) return ctx.io.out(toJson(r))
      ctx.io.out(r.installed ? pc.green(`✓ Installed Canton ${r.version} (${mb(r.bytes)}, SHA-256 verified)`) : `Canton ${r.version} is already installed (use --force to reinstall).`)
      ctx.io.out(panel('Canton', [['Folder', r.dir], ['Launcher', r.bin], ['SHA-256', r.sha256], ['Java', r.java.major === null ? pc.red('not found') : r.java.ok ? pc.green(`Java ${r.java.major}`) : pc.red(`Java ${r.java.major} (needs ${r.java.needed}+)`)]]))
      if (!r.java.ok) {
        // The install itself succeeded (exit 0); `ledger canton start` refuses to run until Java is there.
        ctx.io.out(pc.yellow([`! Canton needs Java ${r.java.needed} or newer${r.java.major === null ? '; no java was found on PATH (or JAVA_HOME)' : `; found Java ${r.java.major}`}. Install it, then start Canton:`, ...JAVA_INSTALL_LINES.map((l) => `    ${l}`)].join('\n')))
      }
      ctx.io.out('Next: p2engine ledger canton start (it finds this install).')
    }))
}
