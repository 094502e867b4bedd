import { describe, expect, it } from 'vitest'
import { middleCut } from './chartLabels'

describe('middleCut', () => {
  it('keeps short labels and the distinguishing end of long ones', () => {
    expect(middleCut('demo_team/v000')).toBe('demo_team/v000')
    const a = middleCut('payment_coordinator_team/variant_with_delegate_001')
    const b = middleCut('payment_coordinator_team/variant_with_delegate_002')
    expect(a).not.toBe(b)
    expect(a.length).toBe(30)
    expect(a).toMatch(/^payment_coord.*….*_001$/)
  })
})
