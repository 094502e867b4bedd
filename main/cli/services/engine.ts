import { composeEngine } from '../../compose/engine'
import { flushPayloads } from '../../compose/payloads'

/** What a command that runs agents needs: the engine (model client, templates, tools, workers). */
export const engineServices = { composeEngine, flushPayloads }

/** The engine part of a CLI context's services. */
export type EngineServices = typeof engineServices
