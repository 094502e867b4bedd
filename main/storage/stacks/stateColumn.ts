import { StateSchema } from '../../engine/schema/states'
import { defineJsonColumn } from '../jsonColumn'

/** Stored form of a stack state (the payload of its `state` artifact), schemaVersion'd. */
export const StateColumn = defineJsonColumn({ name: 'stack state', version: 1, schema: StateSchema })
