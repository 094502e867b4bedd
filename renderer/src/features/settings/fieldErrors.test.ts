import { describe, expect, it } from 'vitest'
import { checkPatch, fieldErrorsFromMessage } from './fieldErrors'

describe('settings field errors', () => {
  it('puts each schema problem on its field', () => {
    expect(checkPatch({ baseUrl: 'not a url', defaultModel: 'gpt4', redisUrl: 'http://x' })).toEqual({
      baseUrl: 'Expected a URL such as "http://127.0.0.1:11434/v1".',
      defaultModel: 'Expected a "provider/model" id such as "openai/gpt-4o" or "ollama/llama3".',
      redisUrl: 'Expected a URL such as "redis://127.0.0.1:6379".',
    })
    expect(checkPatch({ baseUrl: 'https://api.openai.com/v1', defaultModel: 'openai/gpt-4o', redisUrl: '' })).toEqual({})
  })

  it("splits the host's refusal into fields, without the channel name", () => {
    expect(fieldErrorsFromMessage('invalid input for settings:set: baseUrl: a URL such as "http://127.0.0.1:11434/v1"; openaiApiKey: Too big: expected string to have <=500 characters')).toEqual({
      baseUrl: 'Expected a URL such as "http://127.0.0.1:11434/v1".',
      openaiApiKey: 'Too big: expected string to have <=500 characters.',
    })
  })
})
