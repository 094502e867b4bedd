import type { Command } from 'commander'
import type { Wrap } from '../program'

/** `p2engine config …` (validate, show). */
export function registerConfigCommands(program: Command, wrap: Wrap): void {
  void wrap
  program.command('config').description('check and show configuration')
}
