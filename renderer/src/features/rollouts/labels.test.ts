import { describe, expect, it } from 'vitest'
import { bestLabel, rolloutStateLabel } from './labels'

describe('rolloutStateLabel', () => {
  it('trusts main’s interrupted flag: resumable only when no process runs the rollout', () => {
    expect(rolloutStateLabel({ status: 'running', active: false, interrupted: true })).toEqual({ text: 'interrupted', tone: 'warn', resumable: true })
    // Run by the CLI (alive, not this host): not interrupted, nothing to resume here.
    expect(rolloutStateLabel({ status: 'running', active: false, interrupted: false })).toEqual({ text: 'running elsewhere', tone: 'info', resumable: false })
    expect(rolloutStateLabel({ status: 'running', active: true, interrupted: false })).toEqual({ text: 'running', tone: 'info', resumable: false })
    expect(rolloutStateLabel({ status: 'done', active: false, interrupted: false }).text).toBe('done')
    expect(rolloutStateLabel({ status: 'failed', active: false, interrupted: false }).tone).toBe('bad')
  })
})

describe('bestLabel', () => {
  it('names the tied variants instead of a best one, the single best with its score, or a dash', () => {
    expect(bestLabel({ bestVariant: null, bestScore: 0.75, tie: true, tiedVariants: ['v000', 'v001'] })).toBe('tie 0.750 (v000, v001)')
    expect(bestLabel({ bestVariant: 'v001', bestScore: 0.8, tie: false, tiedVariants: [] })).toBe('v001 (0.800)')
    expect(bestLabel({ bestVariant: null, bestScore: null, tie: false, tiedVariants: [] })).toBe('–')
  })
})
