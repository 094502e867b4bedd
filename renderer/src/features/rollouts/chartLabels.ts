/** Longest label drawn in full; longer ones keep their start and their end (`team/…/v012`). */
const MAX_CHARS = 30
/** Width of one label character in the chart's SVG units (10 px font). */
export const CHAR_W = 5.6

/** `abcdefghij…uvwxyz`-style middle cut, so labels that differ only at the end stay different. */
export function middleCut(label: string, max = MAX_CHARS): string {
  if (label.length <= max) return label
  const tail = Math.ceil((max - 1) * 0.55)
  return `${label.slice(0, max - 1 - tail)}…${label.slice(-tail)}`
}

