// Test helper (a separate OS process standing in for a worker machine):
// `node --import tsx workerProbe.ts <redis url> <prefix> <secret> <name> <mode>` consumes variant
// jobs; mode `hang` never finishes a job (to be killed with -9), mode `echo` returns the body.
// Prints `ready`, then `started <jobId>` for each job it takes.
import { BullmqJobQueue } from '../bullmqJobQueue'

const [url, prefix, secret, name, mode] = process.argv.slice(2) as [string, string, string, string, string]
const queue = new BullmqJobQueue({ url, prefix, secret, appVersion: '1.0.0', lockDuration: 1000, stalledInterval: 500 })
queue.consume(async (job) => {
  process.stdout.write(`started ${job.jobId}\n`)
  if (mode === 'hang') await new Promise(() => undefined)
  return { echoed: job.body, by: name }
}, { worker: name })
process.stdout.write('ready\n')
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void queue.close().then(() => process.exit(0)))
