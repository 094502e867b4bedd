import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pico from 'picocolors'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What `colors.ts` prints for a nested colouring, run in a child process with `env` and stdout as given. */
function render(env: Record<string, string>, stdout: 'pipe' | 'inherit' = 'pipe'): string {
  const code = "import pc from './main/cli/colors.ts'; process.stdout.write(JSON.stringify([pc.isColorSupported, pc.red('a' + pc.bold('b') + 'c'), pc.dim(pc.bold('x'))]))"
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', stdio: ['ignore', stdout, 'pipe'] })
  return r.stdout
}

describe('CLI colours', () => {
  it('writes picocolors\' codes, nested the same way, when colour is forced', () => {
    const c = pico.createColors(true)
    expect(JSON.parse(render({ FORCE_COLOR: '1' }))).toEqual([true, c.red('a' + c.bold('b') + 'c'), c.dim(c.bold('x'))])
  })

  it('writes plain text into a pipe, and with NO_COLOR even when forced', () => {
    expect(JSON.parse(render({}))).toEqual([false, 'abc', 'x'])
    expect(JSON.parse(render({ FORCE_COLOR: '1', NO_COLOR: '1' }))).toEqual([false, 'abc', 'x'])
  })
})
