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

/*
 * The header of a model call's metrics stored in a stack row (`call_header`, migration 009) is
 * tagged `model_call`, its model and `offline` when it ran offline, with nothing else: what its
 * metrics (`call_body`) say. Since schema v16 such a row stores `''` and readers rebuild the JSON
 * from the metrics, in SQL; a header the metrics do not imply is stored as before.
 */
const CALL_HEADER_HEAD = '{"schemaVersion":1,"tags":["model_call",'
const CALL_HEADER_TAIL = '],"parentRefs":[],"provenance":{},"meta":{}}'
/** Text that JSON.stringify and SQLite's json_quote spell the same: printable ASCII without `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** SQL: the header extras JSON of the model call stored in a row (`''` read as the one its metrics imply). */
export const callHeaderSql = (header = 'call_header', body = 'call_body'): string =>
  `CASE WHEN ${header} = '' THEN '${CALL_HEADER_HEAD}' || json_quote(json_extract(${body}, '$.model'))
     || CASE WHEN json_extract(${body}, '$.offline') THEN ',"offline"' ELSE '' END || '${CALL_HEADER_TAIL}' ELSE ${header} END`

/**
 * What a stack row stores for the encoded header of a model call with these metrics: `''` when they
 * imply it. Only a plain object's own data properties are read: for those, the JSON the row stores
 * (what SQL rebuilds from) holds the same values, so nothing is serialised or parsed twice.
 */
export function storedCallHeader(encoded: string, metrics: unknown): string {
  if (typeof metrics !== 'object' || metrics === null || Object.getPrototypeOf(metrics) !== Object.prototype || 'toJSON' in metrics) return encoded
  const model = ownData(metrics, 'model')
  const offline = ownData(metrics, 'offline')
  if (typeof model !== 'string' || !PLAIN.test(model) || typeof offline !== 'boolean') return encoded
  const implied = `${CALL_HEADER_HEAD}"${model}"${offline ? ',"offline"' : ''}${CALL_HEADER_TAIL}`
  return encoded === implied ? '' : encoded
}

/** The value JSON.stringify writes for `key` of `o`: an own, enumerable data property's (a getter is not one). */
function ownData(o: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(o, key)
  return d !== undefined && d.enumerable === true && 'value' in d ? d.value : undefined
}
