// What the `ledger canton …`, `ledger debug` and `ledger migrate` actions use from the Canton
// backend, imported by those actions when they run: the other ledger commands (balance,
// transfer, …) register them without loading the Canton client, openapi-fetch or the sandbox manager.
export { cantonJsonApiUrl, cantonLedgerFromSettings } from '../../ledger/canton/fromSettings'
export { findDar, missingDarMessage } from '../../ledger/canton/dar'
export { discoverCanton, installHint, javaMajorVersion } from '../../ledger/canton/sandbox/discover'
export { CantonSandbox, cleanupOrphan, readyz, stopRecordedSandbox } from '../../ledger/canton/sandbox/manager'
export { isAlive, logFileOf, readState } from '../../ledger/canton/sandbox/state'
export { cantonDebug } from '../../ledger/canton/debug'
