import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { builtinRegistry } from '../../engine/tools/builtins'
import { invokeTool } from '../../engine/tools/invoke'
import { McpToolSource } from './source'

/** A stateless Streamable HTTP MCP server on 127.0.0.1 (a fresh SDK server per request, as the SDK shows). */
async function startHttpServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const mcp = new McpServer({ name: 'web', version: '1.0.0' })
    mcp.registerTool('whoami', { description: 'The x-token header of the request.', inputSchema: { greeting: z.string() }, annotations: { readOnlyHint: true } },
      async ({ greeting }, extra) => ({ content: [{ type: 'text', text: `${greeting} ${String(extra.requestInfo?.headers['x-token'])}` }] }))
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => void transport.close())
    void mcp.connect(transport).then(() => transport.handleRequest(req, res))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server }
}

let http: Server | undefined
afterEach(async () => {
  http?.closeAllConnections()
  await new Promise((r) => http?.close(r))
})

describe('an MCP server over Streamable HTTP', () => {
  it('lists and calls its tools with the configured headers', async () => {
    const started = await startHttpServer()
    http = started.server
    const source = new McpToolSource({ web: { url: started.url, headers: { 'x-token': 't-123' } } }, { baseDir: process.cwd() })
    const registry = builtinRegistry().addSource(source)
    try {
      await registry.prepare(['web__whoami'])
      expect([registry.get('web__whoami')?.sideEffectFree, registry.get('web__whoami')?.functionSchema.parameters]).toEqual([true, { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'] }])
      const ctx = { agentId: 'a', conversationId: 'c', branchId: 'b', idempotencyKey: 'k' }
      expect(await invokeTool(registry, 'web__whoami', { greeting: 'hello' }, ctx)).toEqual({ status: 'ok', result: 'hello t-123', cached: false })
    } finally {
      await registry.close()
    }
  })

  it('a server that does not answer is one clear error naming its URL', async () => {
    const problems: string[] = []
    const source = new McpToolSource({ down: { url: 'http://127.0.0.1:9/mcp' } }, { baseDir: process.cwd(), onProblem: (m) => problems.push(m) })
    const registry = builtinRegistry().addSource(source)
    await registry.prepare(['down__anything'])
    await registry.close()
    expect(problems).toEqual([expect.stringMatching(/^MCP server "down" \(url: http:\/\/127\.0\.0\.1:9\/mcp\) failed to start: /)])
  })
})
