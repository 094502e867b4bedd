// Test helper (a separate OS process): `node --import tsx eventProbe.ts <redis url> <prefix>`
// subscribes through the composed event bus, prints `ready`, then one JSON line per event
// received; on the event named `probe:ping` it publishes `probe:pong` back.
import { composeEventBus } from '../../compose/scaleout'
import { parseRedisUrl } from '../redisConfig'

const [url, prefix] = process.argv.slice(2)
const bus = await composeEventBus(parseRedisUrl(url!, 'argv', 'flag'), prefix)
await bus.subscribe((e) => {
  process.stdout.write(`${JSON.stringify({ name: e.name, payload: e.payload })}\n`)
  if (e.name === 'probe:ping') void bus.publish({ name: 'probe:pong', payload: e.payload })
})
process.stdout.write('ready\n')
process.stdin.on('end', () => void bus.close().then(() => process.exit(0)))
process.stdin.resume()
