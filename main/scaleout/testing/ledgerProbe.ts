// Test helper (a separate OS process standing in for a worker machine):
// `node --import tsx ledgerProbe.ts <redis url> <prefix> <count>` with P2ENGINE_JOB_SECRET set.
// Pays `count` transfers alice → bob through the remote ledger (command ids `tc_probe_<i>`,
// each sent twice), then prints one JSON line: the results, and the error of an overdraft.
import { composeRemoteLedger } from '../../compose/scaleout'

const [url, prefix, count] = process.argv.slice(2)
const ledger = await composeRemoteLedger({ url: url!, prefix: prefix!, secret: process.env.P2ENGINE_JOB_SECRET!, appVersion: 'probe-1' })
const results = []
for (let i = 0; i < Number(count); i++) {
  const req = { from: 'alice', to: 'bob', amount: '1.5', reason: 'probe', commandId: `tc_probe_${i}` }
  const [a, b] = await Promise.all([ledger.transfer(req), ledger.transfer(req)])
  results.push([a.deduplicated, b.deduplicated, a.transactionId === b.transactionId])
}
const overdraft = await ledger.transfer({ from: 'alice', to: 'bob', amount: '1000000' }).then(() => null, (e: Error & { code?: string }) => ({ name: e.name, code: e.code }))
process.stdout.write(`${JSON.stringify({ results, overdraft, balance: (await ledger.getWallet('alice'))?.balance })}\n`)
await ledger.close()
