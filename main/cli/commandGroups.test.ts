import { describe, expect, it } from 'vitest'
import { COMMAND_GROUPS, groupsFor, wantsVersion } from './commandGroups'
import { buildProgram, loadGroups, runCli } from './program'

const names = (argv: string[]): string[] => groupsFor(argv).flatMap((g) => g.names)
const ALL = COMMAND_GROUPS.flatMap((g) => g.names)

describe('which command groups a command line loads', () => {
  it('loads only the group named by the first word, after global options and their values', () => {
    expect(names(['agent', 'list'])).toEqual(['agent'])
    expect(names(['--home', 'ledger', 'agent', 'list'])).toEqual(['agent'])
    expect(names(['-c', 'cfg', '--replay', 'ledger', 'balance'])).toEqual(['ledger'])
    expect(names(['restore', 'x.db'])).toEqual(['backup', 'restore'])
  })

  it('loads every group for help, no command and unknown commands', () => {
    expect(names([])).toEqual(ALL)
    expect(names(['--help'])).toEqual(ALL)
    expect(names(['-h', 'ledger'])).toEqual(ALL)
    expect(names(['help', 'ledger'])).toEqual(ALL)
    expect(names(['ledgr', 'balance'])).toEqual(ALL)
  })

  it('names exactly the top-level commands each group registers', async () => {
    const loaded = await loadGroups()
    const registered = buildProgram(loaded, { out: () => {}, err: () => {} }, {}).program.commands.map((c) => c.name())
    expect(registered).toEqual(ALL)
  })
})

describe('p2engine --version', () => {
  it('is asked for only before a command word (`ledger canton install --version` is that command’s option)', () => {
    expect(wantsVersion(['--version'])).toBe(true)
    expect(wantsVersion(['--home', '/tmp/h', '-V'])).toBe(true)
    expect(wantsVersion(['ledger', 'canton', 'install', '--version', '1.0'])).toBe(false)
  })

  it('prints the package version and exits 0', async () => {
    const out: string[] = []
    const code = await runCli(['--version'], { out: (s) => out.push(s), err: () => {} }, {})
    expect([code, out]).toEqual([0, [(await import('../../package.json')).default.version]])
  })
})
