/**
 * TuFT's OpenAI-compatible routes (`src/tuft/oai/router.py`): `GET /oai/api/v1/models` and
 * `POST /oai/api/v1/chat/completions`, plain and `stream: true` (server-sent events). TuFT authenticates with
 * `Authorization: Bearer <key>` or `X-API-Key`, resolves `model` (a served base model or a `tinker://` checkpoint
 * path), and proxies to vLLM, rewriting each answer's `model` to what the caller sent and its `id` to
 * `{training run id | "base"}:sample:{vLLM id}`. The sandbox answers in vLLM's shapes with its tiny model.
 */
import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import { z } from 'zod'
import { ChatTemplateMissing, loadChatCodec, type ChatCodec } from './chat-codec'
import { contextTooLong, type Engine, type ServedModel } from './engine'
import { HttpError } from './errors'

/** The subset of the server's route table this module registers into. */
export type OaiCtx = {
  req: http.IncomingMessage
  res: http.ServerResponse
  body: Buffer
  user: string
  signal: AbortSignal
}
type On = (
  method: string,
  path: string,
  handler: (ctx: OaiCtx) => Promise<void> | void,
  opts: { auth: 'oai' },
) => void

/** `Authorization: Bearer` first (what the openai SDKs send), else `X-API-Key`, as router.py's `_get_user_oai`. */
export function oaiApiKey(req: http.IncomingMessage): string {
  const auth = req.headers.authorization ?? ''
  if (auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim()
  const k = req.headers['x-api-key']
  return (Array.isArray(k) ? k[0] : k) ?? ''
}

export const OAI_MISSING_KEY = 'Missing API key. Provide Authorization: Bearer <key> or X-API-Key header.'
export const OAI_INVALID_KEY = 'Invalid API key.'

const TextPart = z.object({ type: z.literal('text'), text: z.string() })
const Message = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
  content: z.union([z.string(), z.array(TextPart), z.null()]).optional(),
  name: z.string().optional(),
})
const ChatRequest = z.object({
  model: z.string(),
  messages: z.array(Message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.int().nullish(),
  seed: z.int().nullish(),
  n: z.int().min(1).max(8).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
})

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length })
  res.end(data)
}

/** vLLM's error body, which TuFT passes through unchanged for requests vLLM rejects. */
const vllmError = (res: http.ServerResponse, message: string): void =>
  sendJson(res, 400, { object: 'error', message, type: 'BadRequestError', param: null, code: 400 })

/** vLLM ends a reply at a stop string and leaves the stop string out. */
function cutAtStop(text: string, stops: string[]): { text: string; stopped: boolean } {
  let at = -1
  for (const s of stops) {
    const i = text.indexOf(s)
    if (i >= 0 && (at < 0 || i < at)) at = i
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true }
}

export function registerOaiRoutes(on: On, engine: Engine): void {
  const codecs = new Map<string, Promise<ChatCodec>>()
  const codecFor = (m: ServedModel): Promise<ChatCodec> => {
    if (!m.tokenizer) return Promise.reject(new ChatTemplateMissing(`model ${m.name} has no tokenizer files`))
    let p = codecs.get(m.name)
    if (!p) {
      p = loadChatCodec(m.tokenizer)
      p.catch(() => codecs.delete(m.name))
      codecs.set(m.name, p)
    }
    return p
  }

  on(
    'GET',
    '/oai/api/v1/models',
    ({ res, user }) => {
      const created = Math.floor(Date.now() / 1000)
      const data: unknown[] = engine.models.map((m) => ({
        id: m.name,
        object: 'model',
        created,
        owned_by: 'system',
        is_public: true,
      }))
      // TuFT lists the user's sampling sessions here; the sandbox lists the sampler checkpoints the route accepts.
      for (const c of engine.chatCheckpoints(user)) {
        data.push({
          id: c.path,
          object: 'model',
          created: Math.floor(Date.parse(c.time) / 1000),
          owned_by: user,
          parent: c.baseModel,
          is_public: false,
        })
      }
      sendJson(res, 200, { object: 'list', data })
    },
    { auth: 'oai' },
  )

  on(
    'POST',
    '/oai/api/v1/chat/completions',
    async ({ res, body, user, signal }) => {
      let raw: unknown
      try {
        raw = JSON.parse(body.toString('utf8'))
      } catch {
        return vllmError(res, 'The request body is not valid JSON.')
      }
      const model = (raw as { model?: unknown } | null)?.model
      if (typeof model !== 'string' || !model)
        throw new HttpError(400, "Missing 'model' field in request body.")
      const resolved = engine.resolveChatModel(user, model)
      const parsed = ChatRequest.safeParse(raw)
      if (!parsed.success) {
        const i = parsed.error.issues[0]
        return vllmError(res, `${i.path.join('.') || 'body'}: ${i.message}`)
      }
      const r = parsed.data
      let codec: ChatCodec
      try {
        codec = await codecFor(resolved.served)
      } catch (err) {
        return vllmError(
          res,
          `Cannot apply a chat template for ${resolved.served.name}: ${err instanceof Error ? err.message : String(err)}`,
        )
      }
      const messages = r.messages.map((m) => ({
        role: m.role,
        content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text).join(''),
      }))
      let prompt: number[]
      try {
        prompt = await codec.encode(codec.render(messages))
      } catch (err) {
        return vllmError(res, `The chat template failed: ${err instanceof Error ? err.message : String(err)}`)
      }
      const maxContext = resolved.served.maxContext
      // vLLM's default completion budget is whatever context the prompt leaves.
      const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? maxContext - prompt.length
      if (prompt.length + maxTokens > maxContext || maxTokens < 1)
        return vllmError(
          res,
          `${contextTooLong(maxContext, prompt.length, Math.max(maxTokens, 1))} Please reduce the length of the messages or completion.`,
        )

      const stops = r.stop === null || r.stop === undefined ? [] : [r.stop].flat().filter((s) => s.length > 0)
      const id = `${resolved.loraId ?? 'base'}:sample:chatcmpl-${randomBytes(16).toString('hex')}`
      const created = Math.floor(Date.now() / 1000)
      const n = r.n ?? 1
      const params = (i: number) => ({
        maxTokens,
        temperature: r.temperature ?? 1,
        topK: r.top_k ?? -1,
        topP: r.top_p ?? 1,
        seed: r.seed !== null && r.seed !== undefined ? r.seed + i : (Date.now() + i) >>> 0,
        stopTokens: codec.eosIds,
      })

      if (!r.stream) {
        const choices = []
        let completionTokens = 0
        for (let i = 0; i < n; i++) {
          let stopped = false
          const out = await engine.generateChat(resolved.adapter, prompt, {
            ...params(i),
            hitsStopString: async (tokens) => {
              if (signal.aborted) return true
              if (!stops.length) return false
              stopped = cutAtStop(await codec.decode(tokens), stops).stopped
              return stopped
            },
          })
          if (signal.aborted) return
          const cut = cutAtStop(await codec.decode(out.tokens), stops)
          completionTokens += out.tokens.length
          choices.push({
            index: i,
            message: { role: 'assistant', content: cut.text, reasoning_content: null, tool_calls: [] },
            logprobs: null,
            finish_reason: out.stopReason === 'stop' || stopped ? 'stop' : 'length',
            stop_reason: null,
          })
        }
        sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          choices,
          usage: {
            prompt_tokens: prompt.length,
            total_tokens: prompt.length + completionTokens,
            completion_tokens: completionTokens,
            prompt_tokens_details: null,
          },
          prompt_logprobs: null,
        })
        return
      }

      if (n !== 1) return vllmError(res, 'The sandbox streams one choice per request (n=1).')
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}): void => {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, logprobs: null, ...choice }], ...extra })}\n\n`,
        )
      }
      chunk({ delta: { role: 'assistant', content: '' }, finish_reason: null })
      let sent = ''
      let stopped = false
      // Each new token re-decodes the reply and sends what was added; a trailing U+FFFD is half of a
      // multi-byte character whose other bytes are still to come, so it waits for the next token.
      const flush = async (tokens: number[], final: boolean): Promise<void> => {
        const cut = cutAtStop(await codec.decode(tokens), stops)
        stopped ||= cut.stopped
        let text = cut.text
        if (!final && !cut.stopped && text.endsWith('\uFFFD')) text = text.slice(0, -1)
        if (text.length > sent.length && text.startsWith(sent)) {
          chunk({ delta: { content: text.slice(sent.length) }, finish_reason: null })
          sent = text
        }
      }
      const out = await engine.generateChat(resolved.adapter, prompt, {
        ...params(0),
        hitsStopString: async (tokens) => {
          if (signal.aborted) return true
          await flush(tokens, false)
          return stopped
        },
      })
      if (signal.aborted || res.destroyed) return
      await flush(out.tokens, true)
      chunk({
        delta: {},
        finish_reason: out.stopReason === 'stop' || stopped ? 'stop' : 'length',
        stop_reason: null,
      })
      if (r.stream_options?.include_usage) {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: prompt.length, total_tokens: prompt.length + out.tokens.length, completion_tokens: out.tokens.length } })}\n\n`,
        )
      }
      res.end('data: [DONE]\n\n')
    },
    { auth: 'oai' },
  )
}
