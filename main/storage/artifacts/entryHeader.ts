/**
 * The artifact header extras of a state with no tags, parents, provenance or meta: nearly every
 * state. Its JSON is what `HeaderExtrasColumn.encode` writes for them (a test checks it); since
 * schema v14 a `stack_entries` row stores `''` instead (see migration 014).
 */
export const DEFAULT_HEADER_EXTRAS = '{"schemaVersion":1,"tags":[],"parentRefs":[],"provenance":{},"meta":{}}'

/** What a stack entry row stores for its encoded header extras: `''` for the default one. */
export const storedEntryHeader = (encoded: string): string => (encoded === DEFAULT_HEADER_EXTRAS ? '' : encoded)

/** SQL: the header extras JSON of the stack entry row's `col` (`''` read as the default). */
export const entryHeaderSql = (col = 'header'): string => `CASE WHEN ${col} = '' THEN '${DEFAULT_HEADER_EXTRAS}' ELSE ${col} END`
