import { UserInputError } from '../engine/errors'

/** A bad bundle: one line naming the bundle and what is wrong (the entry, line and field when known). */
export const bundleError = (label: string, what: string): UserInputError => new UserInputError(`bundle ${label}: ${what}`, 'BAD_BUNDLE')
