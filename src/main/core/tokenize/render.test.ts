import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Template } from '@huggingface/jinja'
import { QWEN_FILES, readChatRows } from '../../../../tests/helpers/fixtures'
import { createRenderer } from './render'
import { Template as VendoredTemplate, VENDORED_JINJA_VERSION } from './vendor/jinja'

const require = createRequire(import.meta.url)
const installedJinja = (): string => {
  const dist = path.dirname(require.resolve('@huggingface/jinja'))
  return (JSON.parse(fs.readFileSync(path.join(dist, '..', 'package.json'), 'utf8')) as { version: string }).version
}

describe('vendored @huggingface/jinja (class fields compiled to assignments)', () => {
  it('is generated from the installed version (run `node scripts/vendor-jinja.mjs` after an upgrade)', () => {
    expect(VENDORED_JINJA_VERSION).toBe(installedJinja())
  })

  it('renders exactly like the installed package: fixture rows and every branch of the Qwen3-2507 template', () => {
    const template = (JSON.parse(fs.readFileSync(QWEN_FILES['tokenizer_config.json'], 'utf8')) as { chat_template: string })
      .chat_template
    const context = { bos_token: '', eos_token: '<|im_end|>', pad_token: '<|endoftext|>' }
    const original = new Template(template)
    const vendored = createRenderer(template, context)
    const conversations = [
      ...readChatRows().map((r) => r.messages),
      [
        { role: 'system', content: '  Be brief.\n' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '<think>\nplan\n</think>\n\nHello' },
        { role: 'user', content: '<tool_response>x</tool_response>' },
        { role: 'tool', content: '{"a": 1}' },
        { role: 'tool', content: '{"b": 2}' },
        { role: 'assistant', content: '\n\nDone </think> really' },
        { role: 'system', content: 'late system' },
      ],
      [{ role: 'user', content: '' }, { role: 'assistant', content: 'ünïcödé 😀' }],
    ]
    for (const messages of conversations)
      for (const addGenerationPrompt of [false, true])
        expect(vendored(messages, addGenerationPrompt)).toBe(
          original.render({ messages, add_generation_prompt: addGenerationPrompt, tools: null, documents: null, ...context }),
        )
    // The tools branch (tojson, namespaces) through the vendored Template directly.
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', n: 1.5 } } }]
    const items = { messages: conversations.at(-2), tools, add_generation_prompt: true, ...context }
    const withTools = new VendoredTemplate(template).render(items)
    expect(withTools).toContain('# Tools')
    expect(withTools).toBe(original.render(items))
  })
})
