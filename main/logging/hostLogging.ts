import type { LoadedConfig } from '../engine/config/types'
import { startProcessLogging, type ProcessLogging } from './processLogging'
import { knownSecrets } from './redact'
import { resolveLoggingSettings } from './settings'

/**
 * Starts the log files of a host process (the desktop app, a CLI command) for a loaded config
 * and writes its first lines: the process start (version, home, ledger backend; never a key) and
 * the config that was loaded. A bad log setting is a ConfigError naming it.
 */
export function startHostLogging(o: { config: LoadedConfig; env: NodeJS.ProcessEnv; proc: 'app' | 'cli'; version: string; consoleOut?: (line: string) => void }): ProcessLogging {
  const settings = resolveLoggingSettings(o.config, o.env)
  const logging = startProcessLogging({
    home: o.config.settings.home, settings, proc: o.proc, secrets: knownSecrets(o.config, o.env), ...(o.consoleOut ? { consoleOut: o.consoleOut } : {}),
  })
  const s = o.config.settings
  logging.logger.info('process started', {
    version: o.version, home: s.home, backend: s.ledger.backend, ledgerEnabled: s.ledger.enabled, node: process.versions.node,
    ...(process.versions.electron ? { electron: process.versions.electron } : {}), platform: process.platform,
    logLevel: settings.level, workerLogLevel: settings.workerLevel,
  })
  logging.logger.info('config loaded', {
    configDir: o.config.configDir, agents: o.config.agents.length, defaultModel: s.llm.defaultModel, apiBase: s.llm.apiBase,
    keyConfigured: Boolean(s.llm.apiKey), ...(o.config.files ? { files: o.config.files } : {}), warnings: o.config.warnings?.length ?? 0,
  })
  return logging
}
