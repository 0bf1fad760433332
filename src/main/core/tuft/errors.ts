import { StudioError, type Failure } from '../../../shared/result'
import type { ErrorCode } from '../../../shared/error-codes'
import { keyHintText } from '../../../shared/catalogue'

export type KeySource = 'settings' | 'TINKER_API_KEY' | 'none'

/** Facts about the key that was (or would be) sent. Never the key itself. */
export type KeyInfo = {
  source: KeySource
  /** TINKER_API_KEY is set (non-empty) in the client's environment. */
  envKeySet: boolean
  /** A settings key and TINKER_API_KEY are both set and differ: the env key is NOT what was sent. */
  envKeyDiffers: boolean
}

export type TuftErrorDetails = {
  status?: number
  serverMessage?: string
  keySource?: KeySource
  envKeySet?: boolean
  envKeyDiffers?: boolean
  requestId?: string
  /** sequence-conflict: what the server expected and what was sent. */
  expected?: number
  got?: number
  /** rank-exceeds-server-max: the requested rank and the server's limit when the text names them. */
  rank?: number
  maxRank?: number
  /** Transport failures: the low-level error code (ECONNREFUSED, ECONNRESET, …). */
  transport?: string
  url?: string
  [key: string]: unknown
}

export class TuftError extends StudioError {
  declare readonly details: TuftErrorDetails

  constructor(code: ErrorCode, message: string, details: TuftErrorDetails = {}) {
    super(code, message, details)
    this.name = 'TuftError'
  }

  /** Adds an occurrence-specific hint about which key was sent, so "invalid API key" can be fixed in one go. */
  override toFailure(): Failure {
    const f = super.toFailure()
    const hint = keyHint(this.code, this.details)
    return hint ? { ...f, hint } : f
  }
}

const keyHint = (code: ErrorCode, d: TuftErrorDetails): string | undefined => {
  if (code === 'missing-api-key' && d.keySource === 'none') return keyHintText('missing-none')
  if (code !== 'invalid-api-key') return undefined
  if (d.keySource === 'settings') return keyHintText(d.envKeyDiffers ? 'invalid-settings-env-differs' : 'invalid-settings')
  if (d.keySource === 'TINKER_API_KEY') return keyHintText('invalid-env')
  return undefined
}

/** The human text inside a TuFT / FastAPI / Tinker error body, whatever its shape. */
export const serverMessageOf = (body: unknown): string => {
  if (typeof body === 'string') return body
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>
    if (typeof o.detail === 'string') return o.detail
    if (Array.isArray(o.detail)) {
      // FastAPI validation errors: [{loc, msg, type}, …]
      return o.detail
        .map((d) => {
          const e = d as { loc?: unknown[]; msg?: unknown }
          return `${Array.isArray(e.loc) ? e.loc.join('.') : '?'}: ${String(e.msg ?? '')}`
        })
        .join('; ')
    }
    if (typeof o.error === 'string') return o.error
    if (typeof o.message === 'string') return o.message
  }
  try {
    return JSON.stringify(body)
  } catch {
    return String(body)
  }
}

const BAD_DATUM = [
  /Input tensors must have the same shape/i,
  /Missing '[^']+' in loss_fn_inputs/i,
  /must be present for every datum/i,
  /Invalid protobuf/i,
  /target_tokens length must match/i,
  /Size does not match at dimension/i,
  /to_ints only supported/i,
  /must have the same (rank|dtype)/i,
]

const RANK_NOT_CONFIGURED = /LoRA rank (\d+) is not configured/i
const RANK_EXCEEDS = /rank\D{0,20}(\d+)[^.]*?exceeds[^0-9]*?(?:maximum|max(?:_lora_rank)?)\D{0,20}(\d+)/i
const RANK_GENERIC = /max_lora_rank|maximum (?:lora )?rank|rank \d+ exceeds/i

export type ClassifyContext = {
  keyInfo?: KeyInfo
  requestId?: string
  /** What the client was doing, for the message ("create_model", "retrieve_future", …). */
  op?: string
}

/**
 * Maps an HTTP status plus the server's text onto a stable code. Text wins over status where TuFT is
 * known to reuse a status for several causes (422 carries OOM, bad datums and generic server errors).
 */
export const errorFromResponse = (status: number, body: unknown, ctx: ClassifyContext = {}): TuftError => {
  const text = serverMessageOf(body)
  const base: TuftErrorDetails = { status, serverMessage: text }
  if (ctx.requestId) base.requestId = ctx.requestId
  const where = ctx.op ? `${ctx.op}: ` : ''
  const msg = (summary: string) => `${where}${summary} (HTTP ${status}: ${text})`
  const keyDetails = (): TuftErrorDetails =>
    ctx.keyInfo
      ? {
          ...base,
          keySource: ctx.keyInfo.source,
          envKeySet: ctx.keyInfo.envKeySet,
          envKeyDiffers: ctx.keyInfo.envKeyDiffers,
        }
      : base

  if (/out of memory/i.test(text)) return new TuftError('server-oom', msg('The server ran out of memory'), base)
  if (status === 401) return new TuftError('missing-api-key', msg('The server requires an API key'), keyDetails())
  if (status === 403 && /invalid api key/i.test(text))
    return new TuftError('invalid-api-key', msg('The server rejected the API key'), keyDetails())

  const seq = /Sequence conflict: expected (\d+), got (-?\d+)/i.exec(text)
  if (seq || /Sequence conflict/i.test(text)) {
    const d: TuftErrorDetails = { ...base }
    if (seq) {
      d.expected = Number(seq[1])
      d.got = Number(seq[2])
    }
    return new TuftError('sequence-conflict', msg('Training calls arrived out of order'), d)
  }

  const notConfigured = RANK_NOT_CONFIGURED.exec(text)
  const exceeds = RANK_EXCEEDS.exec(text)
  if (notConfigured || exceeds || RANK_GENERIC.test(text)) {
    const d: TuftErrorDetails = { ...base }
    if (exceeds) {
      d.rank = Number(exceeds[1])
      d.maxRank = Number(exceeds[2])
    } else if (notConfigured) {
      d.rank = Number(notConfigured[1])
      const slots = /ranks \[([\d,\s]+)\]/.exec(text)
      if (slots) {
        const ranks = slots[1].split(',').map((s) => Number(s.trim())).filter(Number.isFinite)
        if (ranks.length) d.maxRank = Math.max(...ranks)
      }
    }
    return new TuftError('rank-exceeds-server-max', msg('The LoRA rank is above what the server allows'), d)
  }

  if (BAD_DATUM.some((re) => re.test(text)))
    return new TuftError('bad-datum', msg('The server rejected a training example'), base)
  if (/Unknown model/i.test(text)) return new TuftError('unknown-model', msg('The server does not know this model'), base)
  if (/Failed to read metadata for checkpoint|Invalid tinker path|Cannot load checkpoint|checkpoint .*not found/i.test(text))
    return new TuftError('checkpoint-not-found', msg('The checkpoint could not be found or loaded'), base)
  if (status === 410 || /Future with request ID \S+ (was cancelled|not found)/i.test(text))
    return new TuftError('future-expired', msg('The server no longer has this pending result'), base)
  if (status === 429) return new TuftError('rate-limited', msg('The server is busy'), base)
  if (status === 408) return new TuftError('timeout', msg('The server timed out'), base)
  if (status === 422 && body && typeof body === 'object' && Array.isArray((body as { detail?: unknown }).detail))
    return new TuftError('invalid-input', msg('The server rejected the request fields'), base)
  return new TuftError('server-error', msg('The server reported an error'), base)
}

/** The Tinker-native failure body `{error, category}` (hosted Tinker; TuFT never sends it). */
export const errorFromNativeFailure = (body: { error: string; category?: unknown }, ctx: ClassifyContext = {}) => {
  const e = errorFromResponse(200, body.error, ctx)
  e.details.category = typeof body.category === 'string' ? body.category : undefined
  return e
}
