import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, UserInputError } from '../errors'
import { AgentTemplates, judgeTemplates } from './agentTemplates'
import { TemplateRenderer } from './renderer'
import { pythonRepr } from './pythonRepr'

const CONFIG = resolve(__dirname, '../../../config')
// Copy of the spec's rendered-prompts.json (golden Jinja2 renderings of the original templates).
const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures/rendered-prompts.json'), 'utf8')) as Record<string, string>
const gold = (key: string): string => golden[key]!

describe('agent templates render the golden strings exactly', () => {
  const t = new AgentTemplates(CONFIG)
  it('system_message with get_weather', () => {
    expect(t.systemMessage([{ name: 'get_weather', description: 'Get the current weather in a given location.' }])).toBe(
      gold('system_message__tools_get_weather'),
    )
  })
  it('system_message without tools (empty list is falsy as in Jinja)', () => {
    expect(t.systemMessage([])).toBe(gold('system_message__no_tools'))
    expect(t.renderer.renderTemplate('system_message.j2', {})).toBe(gold('system_message__no_tools'))
  })
  it('persona weather_expert', () => {
    expect(t.persona('weather_expert', 'What is the weather in Paris?')).toBe(gold('persona_weather_expert'))
  })
  it('self reflection', () => {
    expect(t.selfReflection('Hello')).toBe(gold('reflection_self__response_hello'))
  })
  it('tool reflection prints dicts as Python repr', () => {
    expect(t.toolReflection('get_weather', { location: 'Paris' }, { status: 'ok' })).toBe(gold('reflection_tool__example'))
  })
  it('persona names are the file stems of personas/', () => {
    expect(t.personas()).toEqual(['weather_expert'])
  })
})

describe('judge prompt (trim_blocks + lstrip_blocks)', () => {
  const judge = judgeTemplates(CONFIG)
  const vars = { score_type: 'float between 0.0 and 1.0', score_doc: '0 = totally wrong / useless, 1 = perfect', extra_keys: true, template_version: 'v1.0.0' }
  it('default rubric', () => {
    const rubric = 'Rate the final assistant answer for factual accuracy, completeness and clarity.'
    expect(judge.renderTemplate('judge_prompt.j2', { ...vars, rubric })).toBe(gold('judge_prompt__default_rubric'))
  })
  it('joke_quality rubric (file text used verbatim)', () => {
    const rubric = readFileSync(join(CONFIG, 'evals/rubrics/joke_quality.jinja'), 'utf8')
    expect(judge.renderTemplate('judge_prompt', { ...vars, rubric })).toBe(gold('judge_prompt__joke_quality_rubric'))
  })
})

describe('errors', () => {
  it('unknown template names it and lists the available ones', () => {
    const t = new AgentTemplates(CONFIG)
    expect(() => t.renderer.renderTemplate('nope.j2')).toThrow(
      new UserInputError(
        `unknown template "nope.j2" in ${join(CONFIG, 'templates')}; available: personas/weather_expert.j2, reflection/self.j2, reflection/tool.j2, system_message.j2`,
        'UNKNOWN_TEMPLATE',
      ),
    )
    expect(() => t.renderer.renderTemplate('../agents.yml')).toThrow(UserInputError)
  })
  it('unknown persona lists the personas', () => {
    expect(() => new AgentTemplates(CONFIG).persona('financial_advisor', 'q')).toThrow(
      new UserInputError('unknown persona "financial_advisor"; available: weather_expert', 'UNKNOWN_PERSONA'),
    )
  })
  it('a broken template is a ConfigError naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    writeFileSync(join(dir, 'bad.j2'), 'Hello {% if %}')
    const err = (() => {
      try {
        new TemplateRenderer(dir).renderTemplate('bad')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toContain(join(dir, 'bad.j2'))
  })
})

describe('Jinja compatibility details', () => {
  it('keeps whitespace by default and drops one trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'loop.j2'), '{# c #}\n{% for x in xs %}\n- {{ x }}\n{% endfor %}\nend\n')
    expect(new TemplateRenderer(dir).renderTemplate('sub/loop', { xs: ['a', 'b'] })).toBe('\n\n- a\n\n- b\n\nend')
    expect(new TemplateRenderer(dir, { trimBlocks: true, lstripBlocks: true }).renderTemplate('sub/loop', { xs: ['a'] })).toBe('- a\nend')
  })
  it('pythonRepr', () => {
    expect(pythonRepr({ a: [1, 'x', null, true, false], b: "it's", c: 'say "hi"\n', d: {} })).toBe(
      `{'a': [1, 'x', None, True, False], 'b': "it's", 'c': 'say "hi"\\n', 'd': {}}`,
    )
  })
})
