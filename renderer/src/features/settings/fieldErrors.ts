import { SettingsPatchSchema, type SettingsPatch } from '../../../../preload/contract'

/** A message per settings field (`baseUrl`, `defaultModel`, …) that needs fixing. */
export type FieldErrors = Partial<Record<keyof SettingsPatch, string>>

const FIELDS = Object.keys(SettingsPatchSchema.shape) as (keyof SettingsPatch)[]

const sentence = (msg: string): string => {
  const m = msg.trim().replace(/^Invalid input:?\s*/i, '')
  return /^(a|an) /.test(m) ? `Expected ${m}.` : `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`
}

/** Checks a patch with the contract's own schema before sending; each problem lands on its field. */
export function checkPatch(patch: SettingsPatch): FieldErrors {
  const parsed = SettingsPatchSchema.safeParse(patch)
  if (parsed.success) return {}
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path[0]
    if (typeof key === 'string' && FIELDS.includes(key as keyof SettingsPatch)) errors[key as keyof SettingsPatch] ??= sentence(issue.message)
  }
  return errors
}

/**
 * Splits the host's "invalid input for settings:set: baseUrl: …; defaultModel: …" into field
 * messages, so a refusal by the host (another check, or an older renderer) still marks the fields.
 */
export function fieldErrorsFromMessage(message: string): FieldErrors {
  const body = message.replace(/^invalid input for [\w:]+:\s*/, '')
  const errors: FieldErrors = {}
  for (const part of body.split(/;\s*/)) {
    const m = /^(\w+):\s*(.+)$/.exec(part)
    if (m && FIELDS.includes(m[1] as keyof SettingsPatch)) errors[m[1] as keyof SettingsPatch] ??= sentence(m[2]!)
  }
  return errors
}
