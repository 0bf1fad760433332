/**
 * One base model of the local server: its folder (typed, or picked with the desktop's folder dialog), checked by
 * main as soon as it is entered — architecture, parameters, weight size, context length and anything missing —
 * and what TuFT should serve it with (name, max_model_len, max_lora_rank, GPUs, training backend).
 */
import { useEffect, useState } from 'react'
import { LOCAL_SERVER_MAX_LORA_RANK_DEFAULT } from '../../../shared/defaults'
import type { ModelFolderReport } from '../../../shared/local-server'
import type { Failure } from '../../../shared/result'
import { useT } from '../i18n'
import { api } from '../api'
import { FailureWhat } from '../components/hint-panel'
import { Badge, Button, Field, Notice } from '../components/ui'
import { modelFolderProblem } from '../lib/what-happened'
import type { ModelDraft } from './draft'

/** Waits this long after the last keystroke before asking main to read the folder. */
const INSPECT_DEBOUNCE_MS = 400

export function ModelFolderRow({
  draft,
  index,
  canPick,
  canRemove,
  onChange,
  onRemove,
}: {
  draft: ModelDraft
  index: number
  canPick: boolean
  canRemove: boolean
  onChange: (patch: Partial<ModelDraft>) => void
  onRemove: () => void
}): React.JSX.Element {
  const { t, fmt } = useT()
  const l = t.localServer
  // The last answer, for the path it was asked about: an answer for an older path is not shown.
  const [answer, setAnswer] = useState<{ path: string; report: ModelFolderReport | null; failure: Failure | null } | null>(null)
  const path = draft.path.trim()
  const current = answer?.path === path ? answer : null
  const report = current?.report ?? null
  const failure = current?.failure ?? null
  const checking = path !== '' && current === null

  useEffect(() => {
    if (!path) return
    let live = true
    const timer = setTimeout(() => {
      void api.localServerInspect({ path }).then((r) => {
        if (live) setAnswer(r.ok ? { path, report: r.value, failure: null } : { path, report: null, failure: r })
      })
    }, INSPECT_DEBOUNCE_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [path])

  const pick = async (): Promise<void> => {
    const r = await api.pickFolder({ purpose: 'model-folder', ...(path ? { defaultPath: path } : {}) })
    if (r.ok && r.value.path) onChange({ path: r.value.path })
  }

  const params = report?.parameters ?? null
  return (
    <fieldset className="model-row" data-testid={`model-row-${index}`}>
      <div className="endpoint-row">
        <Field label={l.modelFolder} help={l.modelFolderHelp}>
          {(id) => (
            <input id={id} className="input mono" value={draft.path} onChange={(e) => onChange({ path: e.target.value })} placeholder={l.modelFolderPlaceholder} autoComplete="off" spellCheck={false} data-testid="model-path" />
          )}
        </Field>
        {canPick && <Button onClick={() => void pick()} data-testid="pick-model">{l.browse}</Button>}
        {canRemove && <Button variant="ghost" onClick={onRemove}>{l.removeModel}</Button>}
      </div>
      {checking && <div className="field-help">{l.checking}</div>}
      {failure && (
        <Notice tone="error">
          <FailureWhat failure={failure} />
        </Notice>
      )}
      {report && (
        <div className="model-report" data-testid="model-report" data-ok={report.ok}>
          <div className="row">
            {report.ok && <Badge tone="ok">{l.folderOk}</Badge>}
            <span className="small">
              {l.modelFacts(report.architecture ?? l.unknown, params === null ? l.unknown : fmt.compact(params), report.maxContext === null ? l.unknown : fmt.int(report.maxContext))}
              {report.parametersSource === 'config-estimate' && <span className="muted"> ({l.parametersEstimated})</span>}
            </span>
          </div>
          <div className="muted small">{l.weightFacts(fmt.bytes(report.weightBytes), report.dtype, report.files.safetensors.length)}</div>
          {report.problems.map((p) => (
            <Notice key={`${p.kind}:${p.file ?? ''}`} tone="error" testId="model-problem">
              {modelFolderProblem(t, { ...p, folder: report.path })}
            </Notice>
          ))}
          {/* The one warning main gives is a missing chat template, which the report's files say too. */}
          {report.warnings.map((w) => (
            <Notice key={w} tone="warning">
              {report.files.tokenizerConfig && !report.files.chatTemplate ? t.hint.localServer.folder.noChatTemplate : w}
            </Notice>
          ))}
        </div>
      )}
      <div className="grid-3">
        <Field label={l.modelName}>
          {(id) => <input id={id} className="input mono" value={draft.name} onChange={(e) => onChange({ name: e.target.value })} placeholder={report?.suggestedName ?? ''} autoComplete="off" spellCheck={false} data-testid="model-name" />}
        </Field>
        <Field label={l.maxModelLen} help={report?.maxContext ? l.maxModelLenHelp(fmt.int(report.maxContext)) : undefined}>
          {(id) => <input id={id} className="input num-input" inputMode="numeric" value={draft.maxModelLen} onChange={(e) => onChange({ maxModelLen: e.target.value })} placeholder={report ? String(report.suggestedMaxModelLen) : ''} data-testid="max-model-len" />}
        </Field>
        <Field label={l.maxLoraRank} help={l.maxLoraRankHelp}>
          {(id) => <input id={id} className="input num-input" inputMode="numeric" value={draft.maxLoraRank} onChange={(e) => onChange({ maxLoraRank: e.target.value })} placeholder={String(LOCAL_SERVER_MAX_LORA_RANK_DEFAULT)} data-testid="max-lora-rank" />}
        </Field>
        <Field label={l.tensorParallel}>
          {(id) => <input id={id} className="input num-input" inputMode="numeric" value={draft.tensorParallelSize} onChange={(e) => onChange({ tensorParallelSize: e.target.value })} placeholder="1" data-testid="tensor-parallel" />}
        </Field>
        <Field label={l.backend}>
          {(id) => (
            <select id={id} className="input" value={draft.trainingBackend} onChange={(e) => onChange({ trainingBackend: e.target.value === 'fsdp' ? 'fsdp' : 'hf' })} data-testid="training-backend">
              <option value="hf">{l.backendHf}</option>
              <option value="fsdp">{l.backendFsdp}</option>
            </select>
          )}
        </Field>
        {draft.trainingBackend === 'fsdp' && (
          <Field label={l.fsdpGpus}>
            {(id) => <input id={id} className="input num-input" inputMode="numeric" value={draft.fsdpNumGpus} onChange={(e) => onChange({ fsdpNumGpus: e.target.value })} placeholder="2" data-testid="fsdp-gpus" />}
          </Field>
        )}
      </div>
    </fieldset>
  )
}
