/**
 * JSON request bodies, strict like the SDK's pydantic StrictBase models that TuFT validates with
 * (`extra="forbid"`, optional `type` literal): unknown fields, missing fields and wrong literals give 422 with
 * a FastAPI-style `{"detail": [{type, loc, msg, input}]}` list (PROTO §4, §9.1).
 */
import { z } from 'zod'
import { HttpError } from './errors'

const typeLit = (t: string) => z.literal(t).optional()
const meta = z.record(z.string(), z.string())
const optInt = z.int().nullish()

export const ClientConfigReq = z.strictObject({ sdk_version: z.string() })

export const CreateSessionReq = z.strictObject({
  tags: z.array(z.string()),
  user_metadata: meta.nullable(),
  sdk_version: z.string(),
  project_id: z.string().nullish(),
  type: typeLit('create_session'),
})

export const HeartbeatReq = z.strictObject({ session_id: z.string(), type: typeLit('session_heartbeat') })

export const LoraConfig = z.strictObject({
  rank: z.int(),
  seed: optInt,
  train_unembed: z.boolean().default(true),
  train_mlp: z.boolean().default(true),
  train_attn: z.boolean().default(true),
})

export const CreateModelReq = z.strictObject({
  session_id: z.string(),
  model_seq_id: z.int(),
  base_model: z.string(),
  user_metadata: meta.nullish(),
  lora_config: LoraConfig.nullish(),
  type: typeLit('create_model'),
})

export const GetInfoReq = z.strictObject({ model_id: z.string(), type: typeLit('get_info') })
export const UnloadReq = z.strictObject({ model_id: z.string(), type: typeLit('unload_model') })

export const AdamParamsSchema = z.strictObject({
  learning_rate: z.number().default(1e-4),
  beta1: z.number().default(0.9),
  beta2: z.number().default(0.95),
  eps: z.number().default(1e-12),
  weight_decay: z.number().default(0),
  grad_clip_norm: z.number().default(0),
})

export const OptimStepReq = z.strictObject({
  adam_params: AdamParamsSchema,
  model_id: z.string(),
  seq_id: optInt,
  type: typeLit('optim_step'),
})

export const SaveWeightsReq = z.strictObject({
  model_id: z.string(),
  path: z.string().nullish(),
  seq_id: optInt,
  ttl_seconds: optInt,
  overwrite: z.boolean().default(false),
  type: typeLit('save_weights'),
})

export const SaveForSamplerReq = z.strictObject({
  model_id: z.string(),
  path: z.string().nullish(),
  sampling_session_seq_id: optInt,
  seq_id: optInt,
  ttl_seconds: optInt,
  type: typeLit('save_weights_for_sampler'),
})

export const LoadWeightsReq = z.strictObject({
  model_id: z.string().nullish(),
  path: z.string(),
  optimizer: z.boolean(),
  seq_id: optInt,
  weights_access_token: z.string().nullish(),
  session_id: z.string().nullish(),
  model_seq_id: optInt,
  base_model: z.string().nullish(),
  user_metadata: meta.nullish(),
  type: typeLit('load_weights'),
})

export const CreateSamplingSessionReq = z.strictObject({
  session_id: z.string(),
  sampling_session_seq_id: z.int(),
  base_model: z.string().nullish(),
  model_path: z.string().nullish(),
  type: typeLit('create_sampling_session'),
})

const EncodedText = z.strictObject({ tokens: z.array(z.int()), type: z.literal('encoded_text').optional() })
const ImageChunk = z.strictObject({
  data: z.string(),
  format: z.enum(['png', 'jpeg']),
  expected_tokens: optInt,
  type: z.literal('image'),
})

export const SamplingParamsSchema = z.strictObject({
  max_tokens: optInt,
  seed: optInt,
  stop: z.union([z.string(), z.array(z.string()), z.array(z.int())]).nullish(),
  temperature: z.number().default(1),
  top_k: z.int().default(-1),
  top_p: z.number().default(1),
})

export const SampleReq = z.strictObject({
  prompt: z.strictObject({ chunks: z.array(z.union([EncodedText, ImageChunk])) }),
  sampling_params: SamplingParamsSchema,
  num_samples: z.int().default(1),
  sampling_session_id: z.string().nullish(),
  seq_id: optInt,
  base_model: z.string().nullish(),
  model_path: z.string().nullish(),
  prompt_logprobs: z.boolean().nullish(),
  topk_prompt_logprobs: z.int().default(0),
  type: typeLit('sample'),
})

export const RetrieveFutureReq = z.strictObject({
  request_id: z.string(),
  allow_metadata_only: z.boolean().default(false),
})

export const WeightsInfoReq = z.strictObject({ tinker_path: z.string() })

export const TelemetryReq = z.looseObject({ events: z.array(z.looseObject({})) })

export const FaultsReq = z.strictObject({
  latencyMs: z.number().min(0).optional(),
  failureRate: z.number().min(0).max(1).optional(),
  dropRate: z.number().min(0).max(1).optional(),
  oomTokenBudget: z.int().min(0).nullable().optional(),
  lostReplyRate: z.number().min(0).max(1).optional(),
  lostReplies: z.array(z.strictObject({ path: z.string().startsWith('/').max(200), skip: z.int().min(0).default(0) })).max(100).optional(),
})

type Issue = z.core.$ZodIssue

function fastApiDetail(issue: Issue, body: unknown): Array<Record<string, unknown>> {
  const loc = ['body', ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))]
  const at = (path: PropertyKey[]): unknown =>
    path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined), body)
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({
        type: 'extra_forbidden',
        loc: [...loc, k],
        msg: 'Extra inputs are not permitted',
        input: at([...issue.path, k]),
      }))
    case 'invalid_type': {
      const input = at(issue.path)
      if (input === undefined) return [{ type: 'missing', loc, msg: 'Field required', input: at(issue.path.slice(0, -1)) }]
      const t =
        issue.expected === 'int'
          ? ['int_parsing', 'Input should be a valid integer']
          : issue.expected === 'number'
            ? ['float_parsing', 'Input should be a valid number']
            : issue.expected === 'boolean'
              ? ['bool_parsing', 'Input should be a valid boolean']
              : issue.expected === 'string'
                ? ['string_type', 'Input should be a valid string']
                : issue.expected === 'array'
                  ? ['list_type', 'Input should be a valid list']
                  : ['model_type', `Input should be a valid ${issue.expected}`]
      return [{ type: t[0], loc, msg: t[1], input }]
    }
    case 'invalid_value':
      return [
        {
          type: 'literal_error',
          loc,
          msg: `Input should be ${issue.values.map((v) => `'${String(v)}'`).join(' or ')}`,
          input: at(issue.path),
        },
      ]
    default:
      return [{ type: 'value_error', loc, msg: issue.message, input: at(issue.path) }]
  }
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body)
  if (r.success) return r.data
  throw new HttpError(
    422,
    r.error.issues.flatMap((i) => fastApiDetail(i, body)),
  )
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) {
    throw new HttpError(422, [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }])
  }
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new HttpError(422, [
      {
        type: 'json_invalid',
        loc: ['body', 0],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: err instanceof Error ? err.message : String(err) },
      },
    ])
  }
}
