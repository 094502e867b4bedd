import { describe, expect, it } from 'vitest'
import { describeMcpServer } from '../../engine/schema/mcpServers'
import { agentToolName, mcpFunctionSchema, resultOf } from './adapt'

describe('MCP tools as agent tools', () => {
  it('names them SERVER__TOOL, replacing characters a function name cannot have; too long is null', () => {
    expect([agentToolName('files', 'read_file'), agentToolName('gh', 'repo.list/all'), agentToolName('s', 'x'.repeat(62))]).toEqual(['files__read_file', 'gh__repo_list_all', null])
  })

  it('offers the server’s JSON Schema as an object schema (no $schema), with a description even when the server gives none', () => {
    expect(mcpFunctionSchema('s__t', { name: 't', inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { q: { type: 'string', minLength: 1 } }, additionalProperties: false }, readOnly: false }, 's')).toEqual({
      name: 's__t', description: 't (tool of the MCP server s)',
      parameters: { type: 'object', properties: { q: { type: 'string', minLength: 1 } }, required: [], additionalProperties: false },
    })
  })

  it('returns structured content, else the text, else the content list with binary data summarised; isError is a tool error', () => {
    expect(resultOf({ content: [{ type: 'text', text: '3' }], structuredContent: { sum: 3 } })).toEqual({ sum: 3 })
    expect(resultOf({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] })).toBe('a\nb')
    expect(resultOf({ content: [{ type: 'text', text: 'see' }, { type: 'image', mimeType: 'image/png', data: 'AAAA' }] })).toEqual([{ type: 'text', text: 'see' }, { type: 'image', mimeType: 'image/png', bytes: 3 }])
    expect(() => resultOf({ content: [{ type: 'text', text: 'no such file' }], isError: true })).toThrow(expect.objectContaining({ code: 'MCP_TOOL_ERROR', message: 'no such file' }))
  })

  it('describes a server for messages without the secrets of its URL', () => {
    expect(describeMcpServer('web', { url: 'https://user:pw@mcp.example.com/mcp?token=abc' })).toBe('MCP server "web" (url: https://mcp.example.com/mcp?…)')
    expect(describeMcpServer('fs', { command: 'npx', args: ['-y', 'server-fs', '/data'], env: { TOKEN: 'secret' } })).toBe('MCP server "fs" (command: npx -y server-fs /data)')
  })
})
