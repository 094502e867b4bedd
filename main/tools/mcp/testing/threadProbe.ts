// Worker-thread entry for tests: starts the fixture MCP server as a tool source would (tracked
// child), posts its pid, then idles until the thread is terminated.
import { spawn } from 'node:child_process'
import { parentPort, workerData } from 'node:worker_threads'
import { trackChild } from '../../../engine/tools/childProcesses'

const child = spawn(process.execPath, [workerData.fixture as string], { stdio: ['pipe', 'pipe', 'ignore'] })
child.once('spawn', () => {
  trackChild(child.pid!)
  parentPort!.postMessage(child.pid)
})
