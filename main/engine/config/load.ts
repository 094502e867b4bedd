// PROVISIONAL: replaced by the full zod-validated loader.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { p2engineHome } from '../paths'
import type { LoadConfig } from './types'

export const loadConfig: LoadConfig = (options = {}) => {
  const env = options.env ?? process.env
  const configDir = resolve(options.configDir ?? env.P2ENGINE_CONFIG_DIR ?? 'config')
  const agents = (parse(readFileSync(join(configDir, 'agents.yml'), 'utf8')).agents ?? []) as never[]
  const home = options.flags?.P2ENGINE_HOME ?? p2engineHome(env)
  return {
    configDir,
    agents,
    settings: {
      home: resolve(home),
      ledger: { backend: 'embedded', partyId: 'p2engine::default', initialBalance: '100.0', jsonApiUrl: 'http://localhost:7575', enabled: true },
      llm: { apiBase: 'https://api.openai.com/v1', defaultModel: 'openai/gpt-4o' },
      dedupPolicy: 'none',
      logLevel: 'INFO',
    },
    sources: {},
  }
}
