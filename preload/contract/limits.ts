/**
 * Size limits of the contract, in one place so they stay consistent with each other and with the
 * browser host's WebSocket frame limit. Every string and array an invoke input accepts is bounded
 * by one of these (`limits.test.ts` walks the whole table and fails on an unbounded one); a call
 * over a limit is answered `USER_INPUT` naming the field and the limit, and changes nothing.
 *
 * Rule: `WS_MAX_PAYLOAD >= 6 * YAML_MAX_CHARS + 64 KiB`. A string limit counts UTF-16 units; JSON
 * needs at most 6 bytes per unit (`\u0001`, a lone surrogate), so the largest legal call (a
 * rollout YAML) always fits in one frame; a bigger string reaches the contract and gets a named
 * `USER_INPUT` error instead of a dropped socket.
 *
 * The limits are generous: each is far above any real value, and only there so a hostile or
 * broken client cannot make the host hold or scan megabytes for a field that needs bytes.
 */

/** Characters of a rollout YAML sent as text (editor, picked or dropped file). */
export const YAML_MAX_CHARS = 1_000_000

/** Bytes of one WebSocket message the browser host accepts; a bigger frame closes with 1009. */
export const WS_MAX_PAYLOAD = 8 * 1024 * 1024

/** Ids, names and labels: agent ids (their own rule: 128), conversation and rollout ids, branch names, model ids, tool names. */
export const NAME_MAX_CHARS = 200

/** A ledger command id (idempotency key); the ledgers store up to this many characters. */
export const COMMAND_ID_MAX_CHARS = 512

/** A transfer reason (the ledger refuses longer ones too). */
export const REASON_MAX_CHARS = 1000

/** A URL (model endpoint, Redis) or a timestamp-like short text. */
export const URL_MAX_CHARS = 2000

/** A persona (behavior template) name or other short text field. */
export const SHORT_TEXT_MAX_CHARS = 1000

/** A chat message or an answer to a human-in-the-loop question. */
export const MESSAGE_MAX_CHARS = 100_000

/** Items of a list argument (the tools of an agent). */
export const LIST_MAX_ITEMS = 200
