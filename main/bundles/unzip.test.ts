import { describe, expect, it } from 'vitest'
import yazl from 'yazl'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_ENTRY_BYTES, SYNC_UNZIP_MAX_BYTES, unzip, unzipInMemory, unzipStreamed } from './read'

/** A zip of `entries` (stored or deflated), as yazl writes it. */
async function zipOf(entries: [string, string][], compress = false): Promise<Buffer> {
  const z = new yazl.ZipFile()
  for (const [name, text] of entries) z.addBuffer(Buffer.from(text), name, { compress })
  z.end()
  const chunks: Buffer[] = []
  for await (const c of z.outputStream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Replaces every occurrence of `from` by `to` (same length) in the zip's bytes: names in both the local headers and the central directory. */
const rename = (zip: Buffer, from: string, to: string): Buffer => {
  expect(to.length).toBe(from.length)
  return Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1')
}

const both = async (bytes: Buffer): Promise<[string, string]> => {
  const err = (f: () => unknown) => Promise.resolve().then(f).then(() => 'accepted', (e: Error) => e.message)
  return [await err(() => unzipInMemory(bytes, 'x.p2bundle')), await err(() => unzipStreamed(bytes, 'x.p2bundle'))]
}

describe('unzipping a bundle held in memory: the synchronous path (small bundles) checks what the streamed one does', () => {
  it('gives the same entries as the streamed path, stored or deflated', async () => {
    const entries: [string, string][] = [['manifest.json', '{"a":1}'], ['config/agents.yml', 'agents: []\n'], ['entries.jsonl', 'x'.repeat(5000)]]
    for (const compress of [false, true]) {
      const zip = await zipOf(entries, compress)
      const fast = unzipInMemory(zip, 'x')
      expect([...fast].map(([n, b]) => [n, b.toString()])).toEqual([...(await unzipStreamed(zip, 'x'))].map(([n, b]) => [n, b.toString()]))
      expect([...fast].map(([n, b]) => [n, b.toString()])).toEqual(entries)
    }
    const fixture = readFileSync(join(import.meta.dirname, 'fixtures', 'v1-chat.p2bundle'))
    expect(fixture.length).toBeLessThan(SYNC_UNZIP_MAX_BYTES)
    expect([...(await unzip(fixture, 'x'))].map(([n, b]) => [n, b.length])).toEqual([...(await unzipStreamed(fixture, 'x'))].map(([n, b]) => [n, b.length]))
  })

  it('refuses names that leave the folder, backslashes, duplicates, truncation and oversized entries, one line each', async () => {
    const zip = await zipOf([['aa/x.txt', 'one'], ['a_b.txt', 'two'], ['y.txt', 'three'], ['z.txt', 'four']])
    const cases: [Buffer, RegExp][] = [
      [rename(zip, 'aa/x.txt', '../x.txt'), /^bundle x\.p2bundle: .*invalid relative path: \.\.\/x\.txt/],
      [rename(zip, 'aa/x.txt', '/a/x.txt'), /^bundle x\.p2bundle: .*absolute path: \/a\/x\.txt/],
      [rename(zip, 'a_b.txt', 'a\\b.txt'), /^bundle x\.p2bundle: .*invalid characters in fileName: a\\b\.txt/],
      [rename(zip, 'z.txt', 'y.txt'), /^bundle x\.p2bundle: entry y\.txt appears twice$/],
      [zip.subarray(0, zip.length - 30), /^bundle x\.p2bundle: not a readable bundle \(truncated, damaged or not a zip\)/],
      [Buffer.from('not a zip at all'), /^bundle x\.p2bundle: not a readable bundle/],
    ]
    for (const [bytes, message] of cases) {
      const [fast, streamed] = await both(bytes)
      expect(fast).toMatch(message)
      expect(streamed).not.toBe('accepted')
    }
    // An entry whose central directory claims more than the per-entry limit is refused before it is unpacked.
    const big = Buffer.from(zip)
    const cd = big.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    big.writeUInt32LE(MAX_ENTRY_BYTES + 1, cd + 24) // uncompressed size of the first entry
    const [fast, streamed] = await both(big)
    expect(fast).toBe(`bundle x.p2bundle: entry aa/x.txt unpacks to ${MAX_ENTRY_BYTES + 1} bytes, over the limit (${MAX_ENTRY_BYTES} per entry, ${2 * 1024 * 1024 * 1024 - 1} in all)`)
    expect(streamed).toMatch(/^bundle x\.p2bundle: /) // yauzl names the size mismatch of a stored entry first
  })
})
