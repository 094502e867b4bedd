import { uuidv7 } from '../timeIds'

/**
 * Conversation ids that name their row (migration 015). A generated id is `chat_` + a UUIDv7 whose
 * random bits carry the conversation's `seq` in nine decimal digits (decimal digits are hex
 * digits, so the text keeps the UUID shape):
 *
 *     chat_tttttttt-tttt-7DDD-8DDD-DDDrrrrrrrrr    t: Unix ms, D: seq, 8: the variant, r: random
 *
 * Such an id is found through the table's own key (`seq`), so it is in no index: creating a
 * conversation writes one B-tree fewer. Any other id (ids given by the caller, rollout variant
 * ids, imports, rows from before v15) is kept in the partial unique index `conversations_other_id`.
 */
const HEX = '[0-9a-f]'
/** SQL GLOB of the id shape: exact ASCII positions, so SQL `substr` and JavaScript agree on them. */
const ID_GLOB = `chat_${HEX.repeat(8)}-${HEX.repeat(4)}-${HEX.repeat(4)}-${HEX.repeat(4)}-${HEX.repeat(12)}`
/** The same shape in JavaScript. */
const ID_SHAPE = /^chat_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Where the seq's three groups of three digits stand in the id (0-based): after `7`, after the variant, and first in the last group. */
const DIGITS_AT = [20, 25, 29] as const

/** SQL: the nine seq digits of the id column (or expression) `id`. */
const seqDigits = (id: string): string => DIGITS_AT.map((at) => `substr(${id}, ${at + 1}, 3)`).join(' || ')

/**
 * SQL: true for a row whose id does not name its seq; the WHERE of the partial index (the query
 * that reads it must repeat this term, `p` being the table's alias with its dot).
 */
export const idNotDerived = (p = ''): string => `NOT (${p}id GLOB '${ID_GLOB}' AND ${seqDigits(`${p}id`)} = printf('%09d', ${p}seq))`

/**
 * SQL: the `seq` of the conversation whose id is the SQL expression `id` (a `?` parameter, bound
 * once, or a column), NULL when there is none: by the seq the id names, else through the partial index.
 */
export const seqOfId = (id: string): string =>
  `(SELECT coalesce((SELECT cs_.seq FROM conversations cs_ WHERE cs_.seq = CAST(${seqDigits('cq_.v')} AS INTEGER) AND cs_.id = cq_.v),
                    (SELECT cs_.seq FROM conversations cs_ WHERE cs_.id = cq_.v AND ${idNotDerived('cs_.')}))
     FROM (SELECT ${id} AS v) cq_)`

/** SQL: the seq of the conversation whose id is the `?` parameter. */
export const SEQ_OF_ID = seqOfId('?')

/** The largest seq nine digits name (entryKeys.ts's MAX_SEQ, 2^27 − 1, keeps every seq below it). */
const MAX_NAMED_SEQ = 999_999_999

/** A new conversation id naming `seq` (see above), created at `now`: a UUIDv7 with the seq digits in its random bits. */
export function conversationIdFor(seq: number, now: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_NAMED_SEQ) throw new RangeError(`conversation seq ${seq} cannot be named in an id`)
  const u = uuidv7(now)
  const d = String(seq).padStart(9, '0')
  // u: tttttttt-tttt-7ccc-vrrr-rrrrrrrrrrrr. The counter and 24 random bits give way to the digits (at
  // DIGITS_AT once `chat_` is in front), and the variant is always 8 (not 8–b at random), so ids of one
  // millisecond sort by seq; 36 random bits stay.
  return `chat_${u.slice(0, 15)}${d.slice(0, 3)}-8${d.slice(3, 6)}-${d.slice(6)}${u.slice(27)}`
}

/** The seq an id names, or null when it names none (the JavaScript twin of the SQL above). */
export function seqNamedBy(id: string): number | null {
  if (!ID_SHAPE.test(id)) return null
  const d = DIGITS_AT.map((at) => id.slice(at, at + 3)).join('')
  return /^\d{9}$/.test(d) ? Number(d) : null
}

/** SQL: the id of the conversation with the id, else the name, given twice as `?` parameters. */
export const ID_BY_ID_OR_NAME = `SELECT id FROM conversations WHERE seq = ${SEQ_OF_ID} UNION ALL SELECT id FROM conversations WHERE name = ? LIMIT 1`
