import { describe, expect, it } from 'vitest'
import { SNIPPET_KEY_ENV, useModelSnippets } from './use-model-snippets'
import { en } from './ui-strings'
import { zhCN } from './ui-strings.zh-cn'

describe('"Use this model" snippets', () => {
  it('never embed the key and always read it from the environment', () => {
    const s = useModelSnippets({
      serverUrl: 'http://gpu-box:10610/',
      model: 'tinker://r/sampler_weights/best',
    })
    expect(s.endpoint).toBe('http://gpu-box:10610/oai/api/v1/chat/completions')
    for (const text of [s.curl, s.pythonOpenai, s.nodeOpenai, s.pythonTinker]) {
      expect(text).toContain(SNIPPET_KEY_ENV)
      expect(text).not.toMatch(/tml-[0-9a-z]/)
    }
    expect(s.pythonTinker).toContain('model_path="tinker://r/sampler_weights/best"')
    expect(useModelSnippets({ serverUrl: 'http://h:1', model: 'Qwen/Qwen3-8B' }).pythonTinker).toContain(
      'base_model="Qwen/Qwen3-8B"',
    )
  })

  it('ask in the UI’s language, with the prompt "Try it" starts with', () => {
    const snippets = (locale?: 'en' | 'zh-CN'): string[] => {
      const s = useModelSnippets({ serverUrl: 'http://h:1', model: 'tinker://r/sampler_weights/best', locale })
      return [s.curl, s.pythonOpenai, s.nodeOpenai, s.pythonTinker]
    }
    for (const text of snippets('zh-CN')) {
      expect(text).toContain(zhCN.useModel.samplePrompt)
      expect(text).not.toContain(en.useModel.samplePrompt)
    }
    for (const text of [...snippets('en'), ...snippets()]) expect(text).toContain(en.useModel.samplePrompt)
  })
})
