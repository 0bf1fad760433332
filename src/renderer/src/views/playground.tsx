/** Sample the base model and a run's fine-tuned weights on the same prompt, side by side. */
import { useEffect, useState } from 'react'
import type { PlaygroundResult, RunDetail, RunSummary } from '../../../shared/contract'
import { GENERATION_SEED_DEFAULT, SAMPLE_MAX_TOKENS_DEFAULT, SAMPLE_TEMPERATURE_DEFAULT } from '../../../shared/defaults'
import type { Failure } from '../../../shared/result'
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Button, Card, Field, Notice } from '../components/ui'
import { useNav } from '../stores/nav-store'

export function Playground(): React.JSX.Element {
  const { t, fmt } = useT()
  const initial = useNav((s) => s.playgroundRunId)
  const [runs, setRuns] = useState<RunSummary[] | null>(null)
  const [runId, setRunId] = useState<string>(initial ?? '')
  const [system, setSystem] = useState('')
  const [prompt, setPrompt] = useState('')
  const [maxTokens, setMaxTokens] = useState(SAMPLE_MAX_TOKENS_DEFAULT)
  const [temperature, setTemperature] = useState(SAMPLE_TEMPERATURE_DEFAULT)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<PlaygroundResult | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  // The run's sampler checkpoints; '' picks its best (else final) one.
  const [detail, setDetail] = useState<RunDetail | null>(null)
  const [checkpoint, setCheckpoint] = useState('')
  useEffect(() => {
    if (!runId) return
    let alive = true
    void api.runGet({ runId }).then((r) => {
      if (!alive || !r.ok) return
      setDetail(r.value)
      setCheckpoint('')
    })
    return () => {
      alive = false
    }
  }, [runId])
  const samplers = detail?.checkpoints.filter((c) => c.kind === 'sampler') ?? []
  const chosen = checkpoint || detail?.bestCheckpoint?.path || detail?.finalCheckpoint?.path || ''

  useEffect(() => {
    void api.runList().then((r) => {
      if (!r.ok) return setFailure(r)
      const usable = r.value.filter((x) => x.status === 'completed' || x.status === 'stopped' || x.step > 0)
      setRuns(usable)
      setRunId((cur) => cur || usable[0]?.id || '')
    })
  }, [])

  const sample = async (): Promise<void> => {
    if (!runId || !prompt.trim()) return
    setBusy(true)
    setFailure(null)
    const messages = [...(system.trim() ? [{ role: 'system' as const, content: system.trim() }] : []), { role: 'user' as const, content: prompt.trim() }]
    const r = await api.playgroundSample({ runId, messages, maxTokens, temperature, seed: GENERATION_SEED_DEFAULT, ...(chosen ? { checkpoint: chosen } : {}) })
    setBusy(false)
    if (!r.ok) return setFailure(r)
    setResult(r.value)
  }

  return (
    <div className="page" data-testid="playground">
      <h1>{t.playground.title}</h1>
      <p className="lead">{t.playground.intro}</p>
      {runs && runs.length === 0 && <Notice tone="info">{t.playground.noRuns}</Notice>}
      {runs?.find((r) => r.id === runId)?.baseModel.startsWith('sandbox/') && <Notice tone="info">{t.playground.sandboxNote}</Notice>}
      <form className="card" onSubmit={(e) => (e.preventDefault(), void sample())}>
        <div className="playground-fields">
          <Field label={t.playground.run}>
            {(id) => (
              <select id={id} className="input" value={runId} onChange={(e) => setRunId(e.target.value)} data-testid="playground-run">
                {runs?.map((r) => (
                  <option key={r.id} value={r.id}>{t.playground.runOption(r.name, r.rank, fmt.lr(r.learningRate))}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t.judge.playground.checkpoint}>
            {(id) => (
              <select id={id} className="input" value={chosen} onChange={(e) => setCheckpoint(e.target.value)} data-testid="playground-checkpoint" disabled={samplers.length === 0}>
                {samplers.length === 0 && <option value="">{t.judge.checkpoints.none}</option>}
                {samplers.map((c) => (
                  <option key={c.path} value={c.path}>
                    {t.judge.checkpoints.option(
                      c.step,
                      fmt.list([c.best ? t.judge.checkpoints.best : '', c.path === detail?.finalCheckpoint?.path ? t.judge.checkpoints.final : ''].filter(Boolean)),
                    )}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t.playground.maxTokens}>{(id) => <input id={id} className="input num-input" inputMode="numeric" value={maxTokens} onChange={(e) => setMaxTokens(Math.max(1, Number(e.target.value) || 1))} />}</Field>
          <Field label={t.playground.temperature}>{(id) => <input id={id} className="input num-input" type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} />}</Field>
        </div>
        <Field label={t.playground.system}>{(id) => <input id={id} className="input" value={system} onChange={(e) => setSystem(e.target.value)} />}</Field>
        <Field label={t.playground.prompt}>
          {(id) => (
            <textarea
              id={id}
              className="input"
              rows={3}
              value={prompt}
              onChange={(e) => setPrompt(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void sample()
              }}
              data-testid="playground-prompt"
            />
          )}
        </Field>
        <Button type="submit" variant="primary" busy={busy} disabled={!runId || !prompt.trim()} data-testid="sample">
          {busy ? t.playground.sampling : t.playground.sample}
        </Button>
      </form>
      {failure && <HintPanel failure={failure} handlers={{ retry: () => sample() }} />}
      {result && (
        <>
          <div className="muted small">{t.judge.playground.sameSeed(result.seed)}</div>
          <div className={result.final ? 'grid-3' : 'grid-2'} data-testid="samples">
            <Card title={t.playground.base}>
              <div className="sample-text" data-testid="sample-base">{result.base.text}</div>
              <div className="muted small">{t.playground.tokens(result.base.tokens, labelOf(t.playground.stopReason, result.base.stopReason) ?? '')}</div>
            </Card>
            <Card title={result.checkpoint ? t.judge.playground.tuned(result.checkpoint.step, result.checkpoint.best) : t.playground.tuned}>
              <div className="sample-text" data-testid="sample-tuned" data-checkpoint={result.checkpoint?.path ?? ''}>{result.tuned?.text ?? t.common.notReported}</div>
              {result.tuned && <div className="muted small">{t.playground.tokens(result.tuned.tokens, labelOf(t.playground.stopReason, result.tuned.stopReason) ?? '')}</div>}
            </Card>
            {result.final && (
              <Card title={t.judge.playground.final}>
                <div className="sample-text" data-testid="sample-final">{result.final.text}</div>
                <div className="muted small">{t.playground.tokens(result.final.tokens, labelOf(t.playground.stopReason, result.final.stopReason) ?? '')}</div>
              </Card>
            )}
          </div>
        </>
      )}
    </div>
  )
}
