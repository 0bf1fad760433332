import { HF_DEFAULT_ENDPOINT } from '../../../shared/defaults'
import { registerSecret } from '../../../shared/redact'
import { StudioError } from '../../../shared/result'

/**
 * The hub endpoint: an explicit setting wins, then `HF_ENDPOINT` (what huggingface_hub and every HF tool
 * honour, e.g. `https://hf-mirror.com`), then huggingface.co. @huggingface/hub ignores HF_ENDPOINT, so every
 * call in this folder passes the result as `hubUrl`.
 */
export function resolveHubEndpoint(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = explicit?.trim() || env.HF_ENDPOINT?.trim() || HF_DEFAULT_ENDPOINT
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new StudioError('invalid-input', `Hub endpoint "${raw}" is not a URL (expected e.g. https://hf-mirror.com)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new StudioError('invalid-input', `Hub endpoint "${raw}" must start with http:// or https://`)
  return raw.replace(/\/+$/, '')
}

/** Token for gated or private repos: explicit, else `HF_TOKEN` (or the older `HUGGING_FACE_HUB_TOKEN`). */
export function resolveHubToken(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = explicit?.trim() || env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim() || undefined
  // A token sent to a hub or mirror is never stored or printed, whatever the reply echoes.
  registerSecret(token)
  return token
}
