// Bootstrap for worker threads that run TypeScript sources in tests and scripts (Node 20 has no
// type stripping): registers tsx in this thread, then imports the entry named in workerData.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.tsEntry)
