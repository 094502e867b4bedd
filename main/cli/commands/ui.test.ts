import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CliContext } from '../context'
import { runCli } from '../program'
import type { WebHost } from '../../web/server'
import { runUi } from './ui'

const dirs: string[] = []
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('p2engine ui', () => {
  it('rejects a bad --port before starting anything', async () => {
    const err: string[] = []
    const code = await runCli(['ui', '--port', '70000', '--no-open'], { out: () => {}, err: (s) => err.push(s) }, { P2ENGINE_HOME: temp('p2e-ui-') })
    expect({ code, err }).toEqual({ code: 2, err: ['error: option \'--port <n>\' argument \'70000\' is invalid. --port must be a whole number from 1 to 65535, got "70000"', '(run with --help for usage)'] })
  })

  it('prints the tokened URL, serves until stopped, then closes', async () => {
    const home = temp('p2e-ui-')
    const rendererDir = temp('p2e-renderer-')
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>')
    const out: string[] = []
    const ctx = new CliContext({ home }, { out: (s) => out.push(s), err: () => {} }, { P2ENGINE_HOME: home })
    let release!: () => void
    const stop = new Promise<void>((r) => (release = r))
    let listening!: WebHost
    const running = runUi(ctx, { open: false }, { stop, rendererDir, onListening: (h) => (listening = h) })
    await expect.poll(() => out.length).toBe(2)
    expect(out).toEqual([`P2Engine UI: http://127.0.0.1:${listening.port}/?token=${listening.token}`, 'Serving on 127.0.0.1 only. Press Ctrl-C to stop.'])
    expect((await fetch(listening.url)).status).toBe(200)
    release()
    await running
    await ctx.close()
    expect(out[2]).toBe('Stopping…')
    await expect(fetch(listening.url)).rejects.toThrow()
  })
})
