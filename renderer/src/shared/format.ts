/**
 * Exact display of ledger decimals (strings, never floats): thousands separators and at least
 * two decimals, e.g. "1234.5" → "1,234.50".
 */
export function formatMoney(decimal: string): string {
  const negative = decimal.startsWith('-')
  const [int = '0', frac = ''] = (negative ? decimal.slice(1) : decimal).split('.')
  const trimmed = frac.replace(/0+$/, '')
  const fraction = trimmed.length >= 2 ? trimmed : trimmed.padEnd(2, '0')
  return `${negative ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`
}

/** Unix seconds → "2026-11-25 13:45". */
export function formatTime(unix: number): string {
  if (!unix) return '—'
  const d = new Date(unix * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** A long id shortened for tables: "1220ab…9f3c". */
export const shortId = (id: string): string => (id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id)

/** Share of `part` in `whole` as 0–100, from decimal strings (display only). */
export function percentOf(part: string, whole: string): number {
  const w = Number(whole)
  return w > 0 ? Math.max(0, Math.min(100, (Number(part) / w) * 100)) : 0
}
