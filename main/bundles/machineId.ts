import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const FILE = 'machine-id'

/**
 * This installation's stable random id (`<home>/machine-id`, created on first use). Bundles name
 * their source machine with it, so a bundle imported twice is recognised; it identifies nothing
 * else about the machine.
 */
export function machineId(home: string): string {
  let id = known.get(home)
  if (!id) known.set(home, (id = readOrCreate(home)))
  return id
}

/** Read once per home and process: a coordinator imports a result bundle per variant. */
const known = new Map<string, string>()

function readOrCreate(home: string): string {
  const file = join(home, FILE)
  try {
    const id = readFileSync(file, 'utf8').trim()
    if (/^m_[0-9a-f]{32}$/.test(id)) return id
  } catch {
    // absent: create it below
  }
  mkdirSync(home, { recursive: true, mode: 0o700 })
  const id = `m_${randomUUID().replaceAll('-', '')}`
  try {
    writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' })
    return id
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim()
    throw err
  }
}
