import { describe, expect, it } from 'vitest'
import { JobRefusedError, ResultRefusedError, signJob, signResult, verifyJob, verifyResult, type JobEnvelope } from './jobSigning'

const SECRET = 'a-shared-secret-of-32-characters'
const envelope: JobEnvelope = { v: 1, appVersion: '1.2.3', rolloutId: 'ro_1', variantId: 'v000', issuedAt: '2026-12-02T10:00:00.000Z', body: { spec: 'x' } }

describe('job signing', () => {
  it('a signed job verifies and yields its envelope', () => {
    expect(verifyJob(SECRET, 'ro_1:v000', signJob(SECRET, envelope), '1.2.3')).toEqual(envelope)
  })

  it('refuses unsigned, tampered, wrongly keyed, other-version and mislabelled jobs with one clear line', () => {
    const refusal = (data: unknown, version = '1.2.3', secret = SECRET, id = 'ro_1:v000') => {
      try {
        verifyJob(secret, id, data, version)
      } catch (e) {
        expect(e).toBeInstanceOf(JobRefusedError)
        return (e as Error).message
      }
      return 'accepted'
    }
    const signed = signJob(SECRET, envelope)
    expect(refusal({ spec: 'evil' })).toBe('job ro_1:v000 refused: it is not signed (expected {envelope, sig}); only a coordinator with the shared secret (redis.secret / P2ENGINE_JOB_SECRET) can enqueue jobs')
    const bad = 'job ro_1:v000 refused: bad signature; the coordinator and this worker must share the same secret (redis.secret / P2ENGINE_JOB_SECRET)'
    expect(refusal({ ...signed, envelope: signed.envelope.replace('"x"', '"evil"') })).toBe(bad)
    expect(refusal({ ...signed, sig: 'zz' })).toBe(bad)
    expect(refusal(signed, '1.2.3', 'another-secret-of-enough-length')).toBe(bad)
    expect(refusal(signed, '1.3.0')).toBe('job ro_1:v000 refused: it was enqueued by P2Engine 1.2.3 and this worker runs 1.3.0; run workers with the coordinator\'s version')
    expect(refusal(signed, '1.2.3', SECRET, 'ro_1:v001')).toBe('job ro_1:v001 refused: its envelope is for ro_1:v000')
  })

  it('a signed result verifies; an unsigned, tampered or wrongly keyed one is refused with one line naming the job', () => {
    const result = { jobId: 'ro_1:v000', rolloutId: 'ro_1', variantId: 'v000', worker: 'w1', body: { score: 0.5 } }
    const signed = signResult(SECRET, result)
    expect(verifyResult(SECRET, 'ro_1:v000', signed)).toEqual(result)
    const refusal = (data: unknown, secret = SECRET) => {
      try {
        verifyResult(secret, 'ro_1:v000', data)
      } catch (e) {
        expect(e).toBeInstanceOf(ResultRefusedError)
        return (e as Error).message
      }
      return 'accepted'
    }
    const notSigned = 'job ro_1:v000: result not imported: it was not signed with the shared secret (redis.secret / P2ENGINE_JOB_SECRET); only a worker holding it can complete jobs'
    expect(refusal(result)).toBe(notSigned)
    expect(refusal({ ...signed, envelope: signed.envelope.replace('0.5', '1') })).toBe(notSigned)
    expect(refusal(signed, 'another-secret-of-enough-length')).toBe(notSigned)
  })
})
