/**
 * What the curves say about a run, in the guide's words: a live note while it trains (overfitting or unstable,
 * with the best step), and once it has finished a verdict with the guide's advice as one-click fixes — each starts
 * a new run with the same data and settings and one thing changed (fewer steps, early stop, lower LR, lower rank,
 * more steps), or opens the best checkpoint in the playground.
 */
import { useState } from 'react'
import type { RunDetail } from '../../../shared/contract'
import { EARLY_STOP_PATIENCE_DEFAULT, LEARNING_RATE_DEFAULT } from '../../../shared/defaults'
import type { RunJudgement } from '../../../shared/judge'
import type { Failure } from '../../../shared/result'
import type { RunConfigInput } from '../../../shared/runs'
import { api } from '../api'
import { useT } from '../i18n'
import { useNav } from '../stores/nav-store'
import { HintPanel } from './hint-panel'
import { Button, Notice } from './ui'

/** The guide's LR ladder: 1e-3 → 5e-4, 1e-4 → 5e-5 → 1e-5. */
export const lowerLr = (lr: number): number => (lr > 5e-5 ? lr / 2 : lr / 5)

/** The sentence for a verdict (the same live and after). */
export function useVerdictText(): (j: RunJudgement) => string {
  const { t, fmt } = useT()
  return (j) => {
    if (j.verdict === 'overfit' && j.best) return t.judge.note.overfit({ rise: j.riseAboveBest ?? 0, best: fmt.nll(j.best.testNll), bestStep: j.best.step })
    if (j.verdict === 'diverged') return t.judge.note.diverged
    if (j.verdict === 'too-slow') return t.judge.note.tooSlow(j.lateDrop ?? 0)
    return j.best ? t.judge.note.fine(fmt.nll(j.best.testNll), j.best.step) : ''
  }
}

/** While training: a note only when something is wrong. */
export function LiveNote({ judgement }: { judgement: RunJudgement }): React.JSX.Element | null {
  const text = useVerdictText()
  if (judgement.verdict !== 'overfit' && judgement.verdict !== 'diverged') return null
  return (
    <div data-testid="live-note" data-verdict={judgement.verdict}>
      <Notice tone="warning">{text(judgement)}</Notice>
    </div>
  )
}

type Fix = { id: string; label: string; act: () => Promise<void> | void }

/** After the run: the verdict, the advice and the fixes. `onStarted` follows a new run a fix started. */
export function VerdictPanel({ detail, judgement, onStarted }: { detail: RunDetail; judgement: RunJudgement; onStarted: (runId: string) => void }): React.JSX.Element {
  const { t, fmt } = useT()
  const text = useVerdictText()
  const [busy, setBusy] = useState<string | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const cfg = detail.config
  const rerun = (id: string, change: Partial<RunConfigInput>) => async (): Promise<void> => {
    setBusy(id)
    setFailure(null)
    const { name: _name, server, ...rest } = cfg
    const config: RunConfigInput = { ...rest, server: server.kind === 'sandbox' ? { kind: 'sandbox' } : { kind: 'remote', ...(server.url ? { url: server.url } : {}) }, ...change }
    const r = await api.runStart({ config })
    setBusy(null)
    if (!r.ok) return setFailure(r)
    onStarted(r.value.id)
  }
  const v = judgement.verdict
  const best = judgement.best
  const steps = cfg.steps ?? detail.totalSteps
  const fixes: Fix[] = []
  if (best && best.step > 0 && detail.bestCheckpoint) fixes.push({ id: 'use-best', label: t.judge.fix.useBest(best.step), act: () => useNav.getState().openPlayground(detail.id) })
  if (v === 'overfit' && best && best.step > 0) {
    fixes.push({ id: 'fewer-steps', label: t.judge.fix.steps(best.step), act: rerun('fewer-steps', { steps: best.step }) })
    if (cfg.earlyStop === undefined) fixes.push({ id: 'early-stop', label: t.judge.fix.earlyStop, act: rerun('early-stop', { earlyStop: EARLY_STOP_PATIENCE_DEFAULT }) })
  }
  if (v === 'overfit' || v === 'diverged') {
    fixes.push({ id: 'lower-lr', label: t.judge.fix.lr(fmt.lr(lowerLr(cfg.learningRate))), act: rerun('lower-lr', { learningRate: lowerLr(cfg.learningRate) }) })
    if (cfg.rank > 8) fixes.push({ id: 'lower-rank', label: t.judge.fix.rank(8), act: rerun('lower-rank', { rank: 8 }) })
  }
  if (v === 'too-slow') {
    fixes.push({ id: 'more-steps', label: t.judge.fix.steps(steps * 2), act: rerun('more-steps', { steps: steps * 2 }) })
    if (cfg.learningRate < LEARNING_RATE_DEFAULT) fixes.push({ id: 'raise-lr', label: t.judge.fix.lr(fmt.lr(LEARNING_RATE_DEFAULT)), act: rerun('raise-lr', { learningRate: LEARNING_RATE_DEFAULT }) })
  }
  return (
    <div className="verdict" data-testid="verdict" data-verdict={v} data-best-step={best?.step ?? ''}>
      <Notice tone={v === 'fine' ? 'ok' : 'warning'}>
        <div>
          {text(judgement)}
          {detail.earlyStopped && best && <div className="small">{t.judge.earlyStopped(detail.step, best.step)}</div>}
        </div>
        {fixes.length > 0 && (
          <div className="row wrap">
            {fixes.map((f) => (
              <Button key={f.id} onClick={() => void f.act()} busy={busy === f.id} disabled={busy !== null} data-testid={`fix-${f.id}`}>
                {f.label}
              </Button>
            ))}
          </div>
        )}
      </Notice>
      {failure && <HintPanel failure={failure} />}
    </div>
  )
}
