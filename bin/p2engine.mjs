#!/usr/bin/env node
// The `p2engine` command. Runs the built CLI (out/main/cli.js); in a source checkout that was
// never built it falls back to the TypeScript sources through tsx.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'out', 'main', 'cli.js')
if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(root, 'main', 'cli', 'index.ts')).href)
}
