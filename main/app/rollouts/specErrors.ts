import type { SpecError } from '../../../preload/contract'

const TEAM = /^teams(?:\.([A-Za-z_][\w-]*)|\["((?:[^"\\]|\\.)*)"\])/
const VARIANT_INDEX = /\.variants\[(\d+)\]/
const VARIANT_IN_MESSAGE = /^variant (\S+?): /

/**
 * Turns the one-line problems of a rollout ConfigError (`file:line key.path: message`) back into
 * located errors. `shownFile` replaces the path the checker saw (a temp copy) with the name the
 * user knows, in the file field and inside messages.
 */
export function toSpecErrors(problems: readonly string[], checkedFile: string, shownFile: string): SpecError[] {
  return problems.map((raw) => {
    const problem = raw.split(checkedFile).join(shownFile)
    if (!problem.startsWith(shownFile)) return { file: shownFile, line: null, team: null, variant: null, key: null, message: problem }
    const rest = problem.slice(shownFile.length)
    const m = /^(?::(\d+))?(?: (.+?))?: ([\s\S]*)$/.exec(rest)
    if (!m) return { file: shownFile, line: null, team: null, variant: null, key: null, message: problem }
    const key = m[2] && m[2] !== '(top level)' ? m[2] : null
    const t = key ? TEAM.exec(key) : null
    const team = t ? (t[1] ?? JSON.parse(`"${t[2]}"`)) as string : null
    const named = VARIANT_IN_MESSAGE.exec(m[3]!)
    const index = key ? VARIANT_INDEX.exec(key) : null
    const variant = named ? named[1]! : index ? `v${index[1]!.padStart(3, '0')}` : null
    return { file: shownFile, line: m[1] ? Number(m[1]) : null, team, variant, key, message: m[3]! }
  })
}
