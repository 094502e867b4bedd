import { describe, expect, it } from 'vitest'
import type { BundleManifest } from './format'
import { isRemoteLocation, withLocalSource, withLocalTarget } from './location'
import { defaultBundleName } from './service'

const manifest = (scope: BundleManifest['contents']['scope'], conversations: string[], rollouts: string[] = []): BundleManifest =>
  ({ contents: { scope, conversations: conversations.map((name, i) => ({ id: `chat_${i}`, name })), rollouts: rollouts.map((id) => ({ id, specFile: 'x.yml' })) } }) as BundleManifest

describe('bundle file names and locations', () => {
  it('names a bundle from its content', () => {
    expect(defaultBundleName(manifest('conversations', ['trip']))).toBe('trip.p2bundle')
    expect(defaultBundleName(manifest('conversations', ['my trip/../x', 'b', 'c']))).toBe('my-trip-..-x-and-2-more.p2bundle')
    expect(defaultBundleName(manifest('rollouts', ['c1', 'c2'], ['ro_abc']))).toBe('ro_abc.p2bundle')
    expect(defaultBundleName(manifest('all', ['a'], ['ro_1']))).toBe('p2engine-all.p2bundle')
  })

  it('local paths and file:// URLs are local; other URLs than s3:// are refused', async () => {
    expect([isRemoteLocation('a/b.p2bundle'), isRemoteLocation('C:\\x.p2bundle'), isRemoteLocation('file:///tmp/x'), isRemoteLocation('s3://b/k')]).toEqual([false, false, false, true])
    expect(await withLocalSource('file:///tmp/x.p2bundle', async (p) => p)).toBe('/tmp/x.p2bundle')
    await expect(withLocalTarget('s3://b/k', async (p) => p)).rejects.toThrow('"s3://b/k": bucket "b" is not a valid bucket name')
    await expect(withLocalSource('https://h/x', async (p) => p)).rejects.toThrow('bundle https://h/x: only local files and s3:// locations are bundle locations')
  })
})
