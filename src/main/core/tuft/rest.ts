/**
 * The calls the tinker SDK's RestClient makes to browse a server (PROTO §4.11, tinker `rest_client.py`), plus
 * TuFT's OpenAI-compatible chat route (`/oai/api/v1`, TuFT `src/tuft/oai/router.py`). Checkpoints are named by
 * their `tinker://<run>/<weights|sampler_weights>/<name>` path; the REST routes take `<weights|sampler_weights>/<name>`
 * as the SDK sends it.
 */
import { z } from 'zod'
import {
  OAI_CHAT_TIMEOUT_MS,
  SERVER_CHECKPOINTS_PAGE_SIZE,
  SERVER_RUNS_PAGE_SIZE,
} from '../../../shared/defaults'
import type { TryChatResult } from '../../../shared/server-browser'
import type { DiscoveredServer } from './discovery'
import { endpointUrl } from './discovery'
import { TuftError, errorFromResponse, type KeyInfo } from './errors'
import { cancelledError, replyJson, type HttpReply, type RequestSpec } from './http'
import {
  CheckpointListSchema,
  TrainingRunListSchema,
  TrainingRunSchema,
  type Checkpoint,
  type TrainingRun,
} from './client'

type CallOptions = { signal?: AbortSignal }

/** What the REST calls need from the client: its transport, key and server. */
export type RestCore = {
  readonly server: DiscoveredServer
  readonly apiKey: string | null
  readonly keyInfo: KeyInfo
  request(spec: RequestSpec): Promise<HttpReply>
  json<T>(spec: RequestSpec, schema: z.ZodType<T>, what: string): Promise<T>
  signal(s?: AbortSignal): AbortSignal
}

export type CheckpointRef = {
  trainingRunId: string
  folder: 'weights' | 'sampler_weights'
  name: string
  tinkerPath: string
}

/** Parses `tinker://<run>/<weights|sampler_weights>/<name>` as the SDK's ParsedCheckpointTinkerPath does (exactly 3 parts). */
export function parseCheckpointPath(tinkerPath: string): CheckpointRef {
  const m = /^tinker:\/\/([^/]+)\/(weights|sampler_weights)\/([^/]+)$/.exec(tinkerPath.trim())
  if (!m)
    throw new TuftError(
      'invalid-input',
      `Not a checkpoint path: "${tinkerPath}" (expected tinker://<run>/weights/<name> or tinker://<run>/sampler_weights/<name>)`,
    )
  return {
    trainingRunId: m[1],
    folder: m[2] as CheckpointRef['folder'],
    name: m[3],
    tinkerPath: tinkerPath.trim(),
  }
}

const checkpointRoute = (ref: CheckpointRef): string =>
  `/api/v1/training_runs/${encodeURIComponent(ref.trainingRunId)}/checkpoints/${ref.folder}/${encodeURIComponent(ref.name)}`

/** TuFT answers an unknown id on its REST lookups with a bare 500 (PROTO §4.11): say what that means. */
const notFoundOn500 = (what: string) => (e: unknown) => {
  if (
    e instanceof TuftError &&
    e.details.status === 500 &&
    /^Internal Server Error$/i.test(String(e.details.serverMessage).trim())
  )
    throw new TuftError(
      'not-found',
      `${what}: the server has no such item for this key (HTTP 500)`,
      e.details,
    )
  throw e
}

export type ArchiveUrl = { url: string; expires: string | null }

export type OaiModel = { id: string; owned_by?: string; parent?: string | null; is_public?: boolean }
export type OaiChatMessage = { role: 'system' | 'user' | 'assistant'; content: string }
export type OaiChatRequest = CallOptions & {
  model: string
  messages: OaiChatMessage[]
  max_tokens?: number
  temperature?: number
  seed?: number
  timeoutMs?: number
}
/** The reply's text and facts, as the "Try it" panel shows them. */
export type OaiChatResult = TryChatResult

const OaiModelsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      owned_by: z.string().optional(),
      parent: z.string().nullish(),
      is_public: z.boolean().optional(),
    }),
  ),
})
const OaiChatSchema = z.object({
  id: z.string(),
  model: z.string(),
  choices: z
    .array(
      z.object({ message: z.object({ content: z.string().nullish() }), finish_reason: z.string().nullish() }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() })
    .nullish(),
})

export type RestCalls = {
  /** `GET /api/v1/training_runs/{id}` (the SDK's get_training_run). */
  getTrainingRun(trainingRunId: string, o?: CallOptions): Promise<TrainingRun>
  /** Every training run of this key's user, newest first, page by page. */
  listAllTrainingRuns(o?: CallOptions): Promise<TrainingRun[]>
  /** Every checkpoint (training and sampler) of a run, oldest first, page by page. */
  listAllCheckpoints(trainingRunId: string, o?: CallOptions): Promise<Checkpoint[]>
  deleteCheckpoint(tinkerPath: string, o?: CallOptions): Promise<void>
  /** publish (`POST …/publish`) or unpublish (`DELETE …/publish`, which TuFT 0.2 cannot do: server-unsupported). */
  setCheckpointPublic(tinkerPath: string, isPublic: boolean, o?: CallOptions): Promise<void>
  /** Where the checkpoint can be downloaded: TuFT redirects to a file:// URL on its own disk, valid 15 minutes. */
  checkpointArchiveUrl(tinkerPath: string, o?: CallOptions): Promise<ArchiveUrl>
  oaiModels(o?: CallOptions): Promise<OaiModel[]>
  /** One non-streaming chat completion through `POST /oai/api/v1/chat/completions`, key sent as `Authorization: Bearer`. */
  oaiChat(req: OaiChatRequest): Promise<OaiChatResult>
}

export function restCalls(core: RestCore): RestCalls {
  const oaiHeaders = (op: string): Record<string, string> => {
    if (!core.apiKey)
      throw new TuftError('missing-api-key', `${op}: no API key is set (app settings or TINKER_API_KEY)`, {
        keySource: core.keyInfo.source,
        envKeySet: core.keyInfo.envKeySet,
        envKeyDiffers: core.keyInfo.envKeyDiffers,
      })
    return { Authorization: `Bearer ${core.apiKey}`, Accept: 'application/json' }
  }

  return {
    getTrainingRun(id, o = {}) {
      return core
        .json(
          {
            method: 'GET',
            path: `/api/v1/training_runs/${encodeURIComponent(id)}`,
            query: { access_scope: 'owned' },
            signal: o.signal,
            maxAttempts: 2,
            op: 'training run',
          },
          TrainingRunSchema,
          'training run',
        )
        .catch(notFoundOn500(`training run ${id}`))
    },

    async listAllTrainingRuns(o = {}) {
      const all: TrainingRun[] = []
      for (let offset = 0; ;) {
        const page = await core.json(
          {
            method: 'GET',
            path: '/api/v1/training_runs',
            query: { limit: SERVER_RUNS_PAGE_SIZE, offset, access_scope: 'owned' },
            signal: o.signal,
            op: 'training_runs',
          },
          TrainingRunListSchema,
          'training_runs',
        )
        all.push(...page.training_runs)
        offset += page.training_runs.length
        if (page.training_runs.length === 0 || !page.cursor || offset >= page.cursor.total_count) return all
      }
    },

    async listAllCheckpoints(id, o = {}) {
      const all: Checkpoint[] = []
      for (let offset = 0; ;) {
        const page = await core
          .json(
            {
              method: 'GET',
              path: `/api/v1/training_runs/${encodeURIComponent(id)}/checkpoints`,
              query: { limit: SERVER_CHECKPOINTS_PAGE_SIZE, offset },
              signal: o.signal,
              maxAttempts: 2,
              op: 'list checkpoints',
            },
            CheckpointListSchema,
            'checkpoints',
          )
          .catch(notFoundOn500(`checkpoints of training run ${id}`))
        all.push(...page.checkpoints)
        offset += page.checkpoints.length
        if (page.checkpoints.length === 0 || !page.cursor || offset >= page.cursor.total_count) return all
      }
    },

    async deleteCheckpoint(tinkerPath, o = {}) {
      const ref = parseCheckpointPath(tinkerPath)
      await core
        .request({
          method: 'DELETE',
          path: checkpointRoute(ref),
          signal: o.signal,
          maxAttempts: 2,
          op: 'delete checkpoint',
        })
        .catch(notFoundOn500(`checkpoint ${tinkerPath}`))
    },

    async setCheckpointPublic(tinkerPath, isPublic, o = {}) {
      const ref = parseCheckpointPath(tinkerPath)
      const op = isPublic ? 'publish checkpoint' : 'unpublish checkpoint'
      try {
        await core.request({
          method: isPublic ? 'POST' : 'DELETE',
          path: `${checkpointRoute(ref)}/publish`,
          signal: o.signal,
          maxAttempts: 1,
          op,
        })
      } catch (e) {
        // TuFT declares DELETE …/checkpoints/{path} before DELETE …/publish, so an unpublish reaches the delete route,
        // which looks for a checkpoint named "<name>/publish" and fails (PROTO §4.11).
        if (
          !isPublic &&
          e instanceof TuftError &&
          (e.details.status === 500 ||
            (e.details.status === 400 &&
              /Invalid checkpoint reference/i.test(String(e.details.serverMessage))))
        )
          throw new TuftError(
            'server-unsupported',
            `${op}: this server cannot unpublish checkpoints (HTTP ${e.details.status}); the checkpoint stays public`,
            e.details,
          )
        if (isPublic && e instanceof TuftError && e.details.status === 500)
          return notFoundOn500(`checkpoint ${tinkerPath}`)(e)
        throw e
      }
    },

    async checkpointArchiveUrl(tinkerPath, o = {}) {
      const ref = parseCheckpointPath(tinkerPath)
      const reply = await core
        .request({
          method: 'GET',
          path: `${checkpointRoute(ref)}/archive`,
          signal: o.signal,
          maxAttempts: 2,
          redirect: 'manual',
          op: 'checkpoint archive',
        })
        .catch(notFoundOn500(`checkpoint ${tinkerPath}`))
      const httpDate = reply.headers.get('expires')
      const expires =
        httpDate && !Number.isNaN(Date.parse(httpDate)) ? new Date(httpDate).toISOString() : null
      const location = reply.headers.get('location')
      if (reply.status >= 300 && reply.status < 400 && location) return { url: location, expires }
      // The SDK also accepts a JSON answer {url, expires} (tinker resources/weights.py).
      const body = z
        .object({ url: z.string(), expires: z.union([z.string(), z.number()]).nullish() })
        .safeParse(replyJson(reply))
      if (!body.success)
        throw new TuftError(
          'server-error',
          `checkpoint archive: the server gave no download address (HTTP ${reply.status})`,
          { status: reply.status },
        )
      const e = body.data.expires
      return {
        url: body.data.url,
        expires:
          e === null || e === undefined
            ? expires
            : new Date(typeof e === 'number' ? e * 1000 : e).toISOString(),
      }
    },

    async oaiModels(o = {}) {
      const reply = await fetchOai(
        core,
        'GET',
        '/oai/api/v1/models',
        undefined,
        oaiHeaders('models'),
        o.signal,
        30_000,
        'models',
      )
      const parsed = OaiModelsSchema.safeParse(reply.body)
      if (!parsed.success)
        throw new TuftError('server-error', 'models: unexpected answer from the OpenAI-compatible route')
      return parsed.data.data
    },

    async oaiChat(req) {
      const t0 = performance.now()
      const body: Record<string, unknown> = { model: req.model, messages: req.messages, stream: false }
      if (req.max_tokens !== undefined) body.max_tokens = req.max_tokens
      if (req.temperature !== undefined) body.temperature = req.temperature
      if (req.seed !== undefined) body.seed = req.seed
      const reply = await fetchOai(
        core,
        'POST',
        '/oai/api/v1/chat/completions',
        body,
        oaiHeaders('chat/completions'),
        req.signal,
        req.timeoutMs ?? OAI_CHAT_TIMEOUT_MS,
        'chat/completions',
      )
      const parsed = OaiChatSchema.safeParse(reply.body)
      if (!parsed.success)
        throw new TuftError(
          'server-error',
          `chat/completions: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        )
      const c = parsed.data
      return {
        id: c.id,
        model: c.model,
        reply: c.choices[0].message.content ?? '',
        finishReason: c.choices[0].finish_reason ?? null,
        usage: c.usage ?? null,
        latencyMs: Math.round(performance.now() - t0),
      }
    },
  }
}

/** The OpenAI-compatible route authenticates with `Authorization: Bearer`, so it bypasses the X-API-Key transport. */
async function fetchOai(
  core: RestCore,
  method: 'GET' | 'POST',
  route: string,
  json: unknown,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  op: string,
): Promise<{ status: number; body: unknown }> {
  const url = endpointUrl(core.server.url, route)
  const timer = AbortSignal.timeout(timeoutMs)
  const outer = core.signal(signal)
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers: json === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.any([outer, timer]),
    })
  } catch (e) {
    if (outer.aborted) throw cancelledError()
    if (timer.aborted)
      throw new TuftError(
        'timeout',
        `${op}: no answer from ${core.server.url} within ${Math.round(timeoutMs / 1000)} s`,
        { url },
      )
    throw new TuftError(
      'server-unreachable',
      `${op}: could not reach ${core.server.url} (${(e as Error).message})`,
      { url },
    )
  }
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // Plain-text error bodies stay text.
  }
  if (res.status === 404 && (body as { detail?: unknown } | null)?.detail === 'Not Found')
    throw new TuftError(
      'server-unsupported',
      `${op}: this server has no OpenAI-compatible route at ${route}`,
      { status: 404, url },
    )
  if (res.status < 200 || res.status >= 300)
    throw errorFromResponse(res.status, body, { keyInfo: core.keyInfo, op })
  return { status: res.status, body }
}
