/**
 * Why a TuFT server failed to start, read from its log. Each rule names the lines TuFT and its libraries print
 * (uvicorn, PyYAML/OmegaConf, pydantic, transformers, vLLM, torch) for one cause; the first rule that matches any
 * line wins, so a specific cause beats the generic traceback line that follows it.
 */
import type { ErrorCode } from '../../../shared/error-codes'
import { LOCAL_SERVER_FIELDS, type LocalServerField } from '../../../shared/local-server'

type Rule = { code: ErrorCode; patterns: RegExp[] }

const RULES: Rule[] = [
  {
    code: 'local-server-port-taken',
    patterns: [
      /address already in use/i,
      /\[Errno (98|48|10048)\]/,
      /only one usage of each socket address/i,
    ],
  },
  {
    code: 'local-server-gpu-oom',
    patterns: [
      /CUDA out of memory/i,
      /OutOfMemoryError/,
      /No available memory for the cache blocks/i,
      /larger than the maximum number of tokens that can be stored in KV cache/i,
      /Free memory on device .* is less than desired GPU memory utilization/i,
    ],
  },
  {
    code: 'local-server-missing-weights',
    patterns: [
      /Error no file named .*(safetensors|pytorch_model\.bin)/i,
      /does not appear to have (a )?files? named/i,
      /Cannot find any (model )?weights/i,
      /Incorrect path_or_model_id/i,
      /Repository Not Found/i,
      /SafetensorError/,
      /Error while deserializing header/i,
      /We couldn't connect to '[^']+' to load (this|the files)/i,
    ],
  },
  {
    code: 'local-server-bad-config',
    patterns: [
      /yaml\.(scanner|parser|composer|constructor)\.\w*Error/,
      /omegaconf\.errors\.\w+/,
      /Failed to load config from/,
      /validation errors? for (AppConfig|ModelConfig|PersistenceConfig)/,
      /Configuration Mismatch Detected/,
      /Configuration file must be provided/,
      /At least one supported model must be configured/,
      /Model names in supported_models must be unique/,
      /Colocate option is only/,
    ],
  },
]

/** A Python exception line (`pkg.module.SomeError: text`), the best summary of an unrecognised crash. */
const EXCEPTION_LINE = /^(?:[\w.]+\.)?\w*(?:Error|Exception|Exit)\b:?\s/

/**
 * The setting a rejected config names: pydantic prints the field on the line after "validation error for …"
 * (`supported_models.0.max_model_len`), OmegaConf in a `full_key: supported_models[0].max_model_len` line.
 */
const FIELD = new RegExp(`(?:supported_models(?:\\.|\\[)(\\d+)\\]?\\.)?\\b(${LOCAL_SERVER_FIELDS.join('|')})\\b`)
/** How far after the recognised line the field name is looked for (pydantic's and OmegaConf's reports are short). */
const FIELD_LOOKAHEAD_LINES = 6

export type StartupDiagnosis = {
  code: ErrorCode
  line: string | null
  /** For a rejected config: the setting the log names, and which model's when it is a model's. */
  field?: LocalServerField
  modelIndex?: number
}

function fieldNamed(lines: readonly string[]): Pick<StartupDiagnosis, 'field' | 'modelIndex'> {
  for (const l of lines) {
    const m = FIELD.exec(l)
    if (m) return { field: m[2] as LocalServerField, ...(m[1] !== undefined ? { modelIndex: Number(m[1]) } : {}) }
  }
  return {}
}

/** The first known cause in the log, or null. */
export function recogniseStartupFailure(lines: readonly string[]): StartupDiagnosis | null {
  for (const rule of RULES) {
    const at = lines.findIndex((l) => rule.patterns.some((p) => p.test(l)))
    if (at < 0) continue
    const named = rule.code === 'local-server-bad-config' ? fieldNamed(lines.slice(at, at + FIELD_LOOKAHEAD_LINES)) : {}
    return { code: rule.code, line: lines[at].trim(), ...named }
  }
  return null
}

/** Why the process ended before answering: a known cause, else the last exception line, else nothing specific. */
export function diagnoseExit(lines: readonly string[]): StartupDiagnosis {
  const known = recogniseStartupFailure(lines)
  if (known) return known
  for (let i = lines.length - 1; i >= 0; i--)
    if (EXCEPTION_LINE.test(lines[i].trim())) return { code: 'local-server-exited', line: lines[i].trim() }
  return { code: 'local-server-exited', line: null }
}
