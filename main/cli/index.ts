// The `p2engine` CLI entry (bin/p2engine.mjs runs the built copy).
import { runCli } from './program'
import { guardStdio } from './stdio'

guardStdio()

process.exitCode = await runCli(process.argv.slice(2))
