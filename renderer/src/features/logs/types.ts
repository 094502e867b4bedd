import type { InvokeInput, LogLine, LogLevelName, LogSourceName } from '../../../../preload/contract'

export type { LogLine, LogLevelName, LogSourceName }
export type LogsTailInput = InvokeInput<'logs:tail'>
