// Prints the closing "N passed, N failed, N skipped" line from vitest's and Playwright's JSON reports.
import { readFileSync } from 'node:fs'

const read = (f) => { try { return JSON.parse(readFileSync(f, 'utf8')) } catch { return null } }
const [vitestFile, playwrightFile, vrc = '0', prc = '0'] = process.argv.slice(2)
const v = read(vitestFile) ?? {}
const p = read(playwrightFile) ?? {}
const ps = p.stats ?? {}
let passed = (v.numPassedTests ?? 0) + (ps.expected ?? 0) + (ps.flaky ?? 0)
let failed = (v.numFailedTests ?? 0) + (ps.unexpected ?? 0)
const skipped = (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0) + (ps.skipped ?? 0)
// A runner that crashed before reporting still counts as a failure.
if (vrc !== '0' && !(v.numFailedTests > 0)) failed += 1
if (prc !== '0' && !(ps.unexpected > 0)) failed += 1
console.log(`vitest rc=${vrc} playwright rc=${prc}`)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
