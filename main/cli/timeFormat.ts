/**
 * The one time format of human CLI output: local time as `YYYY-MM-DD HH:MM:SS` (sortable, no
 * locale surprises). JSON output keeps machine formats (ISO-8601 UTC or epoch numbers).
 */

const two = (n: number): string => String(n).padStart(2, '0')

/** Epoch milliseconds, ISO-8601 text or a Date as local `YYYY-MM-DD HH:MM:SS`; `–` for none or an unreadable value. */
export function formatTime(t: number | string | Date | null | undefined): string {
  if (t === null || t === undefined || t === '') return '–'
  const d = t instanceof Date ? t : new Date(t)
  if (Number.isNaN(d.getTime())) return typeof t === 'string' ? t : '–'
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

/** {@link formatTime} of epoch seconds (ledger records); `–` for 0 or none. */
export const formatUnixTime = (seconds: number | null | undefined): string => (seconds ? formatTime(seconds * 1000) : '–')
