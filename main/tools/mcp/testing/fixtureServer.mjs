// A small MCP stdio server for tests, written with the SDK. Tools:
//   echo (read-only), add (read-only, structured result), note (side effect: appends to
//   $NOTES_FILE), fail (isError result), crash (the process exits), pid (its process id).
// FIXTURE_FAIL_START=1 makes it exit before answering (a server that cannot start).
import { appendFileSync } from 'node:fs'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { z } from 'zod'

if (process.env.FIXTURE_FAIL_START === '1') {
  process.stderr.write('fixture: refusing to start (FIXTURE_FAIL_START=1)\n')
  process.exit(3)
}

const server = new McpServer({ name: 'fixture', version: '1.0.0' })
const text = (t) => ({ content: [{ type: 'text', text: t }] })

server.registerTool('echo', { description: 'Echoes the text back.', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
  async ({ text: t }) => text(`echo: ${t}`))
server.registerTool('add', { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() }, annotations: { readOnlyHint: true } },
  async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }))
server.registerTool('note', { description: 'Appends a note to the notes file.', inputSchema: { text: z.string() } },
  async ({ text: t }, extra) => {
    appendFileSync(process.env.NOTES_FILE, `${t}\t${extra?._meta?.['p2engine/idempotencyKey'] ?? ''}\n`)
    return text('noted')
  })
server.registerTool('fail', { description: 'Always fails.', inputSchema: {} }, async () => ({ ...text('the fixture failed on purpose'), isError: true }))
server.registerTool('crash', { description: 'Exits the server process.', inputSchema: {} }, async () => process.exit(1))
server.registerTool('pid', { description: 'The server process id.', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => text(String(process.pid)))

await server.connect(new StdioServerTransport())
