/** Sample the base model and a run's fine-tuned weights on the same prompt, side by side. */
import { useEffect, useState } from 'react'
import type { PlaygroundResult, RunSummary } from '../../../shared/contract'
import { SAMPLE_MAX_TOKENS_DEFAULT, SAMPLE_TEMPERATURE_DEFAULT } from '../../../shared/defaults'
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
    const r = await api.playgroundSample({ runId, messages, maxTokens, temperature })
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
        <div className="grid-3">
          <Field label={t.playground.run}>
            {(id) => (
              <select id={id} className="input" value={runId} onChange={(e) => setRunId(e.target.value)} data-testid="playground-run">
                {runs?.map((r) => (
                  <option key={r.id} value={r.id}>{t.playground.runOption(r.name, r.rank, fmt.lr(r.learningRate))}</option>
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
        <div className="grid-2" data-testid="samples">
          <Card title={t.playground.base}>
            <div className="sample-text" data-testid="sample-base">{result.base.text}</div>
            <div className="muted small">{t.playground.tokens(result.base.tokens, labelOf(t.playground.stopReason, result.base.stopReason) ?? '')}</div>
          </Card>
          <Card title={t.playground.tuned}>
            <div className="sample-text" data-testid="sample-tuned">{result.tuned?.text ?? t.common.notReported}</div>
            {result.tuned && <div className="muted small">{t.playground.tokens(result.tuned.tokens, labelOf(t.playground.stopReason, result.tuned.stopReason) ?? '')}</div>}
          </Card>
        </div>
      )}
    </div>
  )
}
