/**
 * The local-server form as typed (strings, blanks allowed), what it sends to main, and the one-click fixes a failed
 * start offers (the next port, a shorter max_model_len, the field to correct) applied to it. Pure, so the fixes are
 * tested without a page.
 */
import { TUFT_DEFAULT_PORT } from '../../../shared/defaults'
import { MIN_MAX_MODEL_LEN, type LocalServerConfigInput, type LocalServerField, type LocalServerPlan } from '../../../shared/local-server'
import type { Failure } from '../../../shared/result'

export type ModelDraft = {
  key: number
  path: string
  name: string
  maxModelLen: string
  maxLoraRank: string
  tensorParallelSize: string
  trainingBackend: 'hf' | 'fsdp'
  fsdpNumGpus: string
}

export const emptyModel = (key: number): ModelDraft => ({ key, path: '', name: '', maxModelLen: '', maxLoraRank: '', tensorParallelSize: '', trainingBackend: 'hf', fsdpNumGpus: '' })

export type LocalServerDraft = { models: ModelDraft[]; checkpointDir: string; port: string; exposed: boolean; colocate: boolean; persistence: boolean; keepRunning: boolean }
export const emptyForm = (): LocalServerDraft => ({ models: [emptyModel(0)], checkpointDir: '', port: String(TUFT_DEFAULT_PORT), exposed: false, colocate: false, persistence: true, keepRunning: false })

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()))

export function configOf(f: LocalServerDraft): LocalServerConfigInput {
  return {
    models: f.models.map((m) => ({
      path: m.path.trim(),
      ...(m.name.trim() ? { name: m.name.trim() } : {}),
      ...(num(m.maxModelLen) !== undefined ? { maxModelLen: num(m.maxModelLen) } : {}),
      ...(num(m.maxLoraRank) !== undefined ? { maxLoraRank: num(m.maxLoraRank) } : {}),
      ...(num(m.tensorParallelSize) !== undefined ? { tensorParallelSize: num(m.tensorParallelSize) } : {}),
      trainingBackend: m.trainingBackend,
      ...(m.trainingBackend === 'fsdp' && num(m.fsdpNumGpus) !== undefined ? { fsdpNumGpus: num(m.fsdpNumGpus) } : {}),
    })),
    ...(f.checkpointDir.trim() ? { checkpointDir: f.checkpointDir.trim() } : {}),
    port: num(f.port) ?? TUFT_DEFAULT_PORT,
    host: f.exposed ? '0.0.0.0' : '127.0.0.1',
    colocate: f.colocate,
    persistence: f.persistence ? 'file' : 'disable',
  }
}

/** Where a fix leaves the user: the form, at a setting (of one model, for a model's setting), or at its top. */
export type FormFocus = { field: LocalServerField | null; modelIndex: number }

/** The port after the one a failed start found taken, or null when the failure is not about a port. */
export function nextPort(failure: Failure): number | null {
  const port = failure.details?.port
  return failure.code === 'local-server-port-taken' && typeof port === 'number' && port < 65535 ? port + 1 : null
}

/** Half a max_model_len, on a multiple of 128 tokens, never below what TuFT accepts. */
export const halvedMaxModelLen = (len: number): number => Math.max(MIN_MAX_MODEL_LEN, Math.floor(len / 2 / 128) * 128)

/**
 * Every model's max_model_len halved — the form's value, or the one the plan filled in from the folder when the
 * field was blank — with the largest new value (for the button) and where to look. Null when none can shrink.
 */
export function lowerMaxModelLen(form: LocalServerDraft, plan: LocalServerPlan | null): { form: LocalServerDraft; to: number; focus: FormFocus } | null {
  let to = 0
  let first = -1
  const models = form.models.map((m, i) => {
    const current = num(m.maxModelLen) ?? plan?.models[i]?.maxModelLen
    if (current === undefined || !Number.isFinite(current)) return m
    const lower = halvedMaxModelLen(current)
    if (lower >= current) return m
    to = Math.max(to, lower)
    if (first < 0) first = i
    return { ...m, maxModelLen: String(lower) }
  })
  return first < 0 ? null : { form: { ...form, models }, to, focus: { field: 'max_model_len', modelIndex: first } }
}

/** The field a fix opens: the one the hint names, else the one main read from the log, of the model it named. */
export function fixFocus(field: LocalServerField | undefined, failure: Failure): FormFocus {
  const d = failure.details ?? {}
  const named = typeof d.field === 'string' ? (d.field as LocalServerField) : null
  const modelIndex = typeof d.modelIndex === 'number' && d.modelIndex >= 0 ? d.modelIndex : 0
  return { field: field ?? named, modelIndex }
}
