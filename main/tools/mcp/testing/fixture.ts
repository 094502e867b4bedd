// Test helpers for the MCP tool source (imported only by *.test.ts).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { McpServerConfig } from '../../../engine/schema/mcpServers'

/** The fixture MCP stdio server (a real SDK server, see fixtureServer.mjs). */
export const FIXTURE_SERVER = fileURLToPath(new URL('./fixtureServer.mjs', import.meta.url))

/** A stdio server config running the fixture with node. */
export const fixtureServer = (env: Record<string, string> = {}): McpServerConfig => ({ command: process.execPath, args: [FIXTURE_SERVER], env })

/**
 * Whether a process is still running. A zombie (exited, not yet reaped: the child of a terminated
 * worker thread has no one left to reap it until the process ends) counts as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no /proc: trust kill(0)
  }
}

/** Resolves once `check` holds, polling every 20 ms for up to `ms`. */
export async function until(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return check()
}
