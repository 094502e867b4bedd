/**
 * Size limits of the contract, in one place so they stay consistent with each other and with the
 * browser host's WebSocket frame limit.
 *
 * Rule: `WS_MAX_PAYLOAD >= 6 * YAML_MAX_CHARS + 64 KiB`. A string limit counts UTF-16 units; JSON
 * needs at most 6 bytes per unit (`\u0001`, a lone surrogate), so the largest legal call (a
 * rollout YAML) always fits in one frame; a bigger string reaches the contract and gets a named
 * `USER_INPUT` error instead of a dropped socket.
 */

/** Characters of a rollout YAML sent as text (editor, picked or dropped file). */
export const YAML_MAX_CHARS = 1_000_000

/** Bytes of one WebSocket message the browser host accepts; a bigger frame closes with 1009. */
export const WS_MAX_PAYLOAD = 8 * 1024 * 1024
