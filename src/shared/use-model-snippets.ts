/**
 * "Use this model": ready-to-run code that calls a fine-tuned checkpoint, for the panel under a finished run and
 * for each sampler checkpoint. TuFT serves sampler paths (`tinker://<run>/sampler_weights/<name>`) through its
 * OpenAI-compatible route `POST {server}/oai/api/v1/chat/completions` (the path goes in `model`) and through the
 * tinker SDK's sampling client. The API key is never written into a snippet: every one reads it from the
 * environment variable the tinker SDK uses. Pure: the renderer bundles this file.
 */
import { SAMPLE_TEMPERATURE_DEFAULT, SNIPPET_MAX_TOKENS_DEFAULT } from './defaults'
import { DEFAULT_LOCALE, i18nFor, type Locale } from './i18n'

export const SNIPPET_KEY_ENV = 'TINKER_API_KEY'

export type UseModelInput = {
  /** The server's base URL, e.g. http://127.0.0.1:10610. */
  serverUrl: string
  /** The sampler path (or a base model name) to call. */
  model: string
  /** The tokenizer the tinker SDK snippet renders the chat with (the base model's hub id or folder). */
  tokenizer?: string
  /** The UI's language: the sample prompt is the one "Try it" starts with in that language. */
  locale?: Locale
  prompt?: string
  maxTokens?: number
}

export type UseModelSnippets = {
  /** `{server}/oai/api/v1/chat/completions` */
  endpoint: string
  /** The OpenAI SDKs' base URL: `{server}/oai/api/v1`. */
  baseUrl: string
  keyEnv: string
  curl: string
  pythonOpenai: string
  nodeOpenai: string
  pythonTinker: string
}

/** A POSIX-shell single-quoted word. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
/** JSON string literals are valid Python and JavaScript string literals. */
const lit = (s: string): string => JSON.stringify(s)

export function useModelSnippets(i: UseModelInput): UseModelSnippets {
  const server = i.serverUrl.trim().replace(/\/+$/, '')
  const baseUrl = `${server}/oai/api/v1`
  const endpoint = `${baseUrl}/chat/completions`
  const prompt = i.prompt ?? i18nFor(i.locale ?? DEFAULT_LOCALE).t.useModel.samplePrompt
  const maxTokens = i.maxTokens ?? SNIPPET_MAX_TOKENS_DEFAULT
  const body = JSON.stringify({
    model: i.model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: maxTokens,
  })
  const tokenizer = i.tokenizer ?? 'Qwen/Qwen3-4B-Instruct-2507'

  const curl = [
    `# export ${SNIPPET_KEY_ENV}=...   (the server's API key; never stored here)`,
    `curl -sS ${shellQuote(endpoint)} \\`,
    `  -H "Authorization: Bearer $${SNIPPET_KEY_ENV}" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
    '',
  ].join('\n')

  const pythonOpenai = [
    `# pip install openai; export ${SNIPPET_KEY_ENV}=...`,
    'import os',
    '',
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${lit(baseUrl)}, api_key=os.environ[${lit(SNIPPET_KEY_ENV)}])`,
    'response = client.chat.completions.create(',
    `    model=${lit(i.model)},`,
    `    messages=[{"role": "user", "content": ${lit(prompt)}}],`,
    `    max_tokens=${maxTokens},`,
    ')',
    'print(response.choices[0].message.content)',
    '',
  ].join('\n')

  const nodeOpenai = [
    `// npm install openai; export ${SNIPPET_KEY_ENV}=...; save as chat.mjs and run: node chat.mjs`,
    "import OpenAI from 'openai'",
    '',
    `const client = new OpenAI({ baseURL: ${lit(baseUrl)}, apiKey: process.env.${SNIPPET_KEY_ENV} })`,
    'const response = await client.chat.completions.create({',
    `  model: ${lit(i.model)},`,
    `  messages: [{ role: 'user', content: ${lit(prompt)} }],`,
    `  max_tokens: ${maxTokens},`,
    '})',
    'console.log(response.choices[0].message.content)',
    '',
  ].join('\n')

  const sampler = i.model.startsWith('tinker://')
    ? `model_path=${lit(i.model)}`
    : `base_model=${lit(i.model)}`
  const pythonTinker = [
    `# pip install tinker transformers; export ${SNIPPET_KEY_ENV}=...`,
    'import tinker',
    'from tinker import types',
    'from transformers import AutoTokenizer',
    '',
    `service = tinker.ServiceClient(base_url=${lit(server)})  # reads ${SNIPPET_KEY_ENV}`,
    `sampling = service.create_sampling_client(${sampler})`,
    `tokenizer = AutoTokenizer.from_pretrained(${lit(tokenizer)})`,
    'prompt = tokenizer.apply_chat_template(',
    `    [{"role": "user", "content": ${lit(prompt)}}], tokenize=False, add_generation_prompt=True`,
    ')',
    'result = sampling.sample(',
    '    prompt=types.ModelInput.from_ints(tokenizer.encode(prompt, add_special_tokens=False)),',
    `    sampling_params=types.SamplingParams(max_tokens=${maxTokens}, temperature=${SAMPLE_TEMPERATURE_DEFAULT}, stop=[tokenizer.eos_token]),`,
    '    num_samples=1,',
    ').result()',
    'print(tokenizer.decode(result.sequences[0].tokens, skip_special_tokens=True))',
    '',
  ].join('\n')

  return { endpoint, baseUrl, keyEnv: SNIPPET_KEY_ENV, curl, pythonOpenai, nodeOpenai, pythonTinker }
}
