/**
 * The held-out set as the run will use it ("test NLL on 4 conversations (5% of 73)"), and when it is too small to
 * trust, the two ways out: test on another split of the dataset, or hold out a larger fraction.
 */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { SplitInfo } from '../../../shared/contract'
import { heldOutCount } from '../../../shared/judge'
import { api } from '../api'
import { useT } from '../i18n'
import { Button, Notice } from '../components/ui'
import { draftPlan, useWizard } from '../stores/wizard-store'

export function EvalSetNote(): React.JSX.Element | null {
  const { t } = useT()
  const d = useWizard(useShallow((s) => ({ dataset: s.dataset, stats: s.stats, heldOutFraction: s.heldOutFraction, patch: s.patch })))
  const [splits, setSplits] = useState<SplitInfo[]>([])
  const name = d.dataset?.name
  useEffect(() => {
    if (!name) return
    let alive = true
    void api.datasetList().then((r) => alive && r.ok && setSplits(r.value.find((x) => x.name === name)?.splits ?? []))
    return () => {
      alive = false
    }
  }, [name])
  const evalRows = d.dataset?.evalSplit ? (splits.find((s) => s.split === d.dataset!.evalSplit)?.rows ?? null) : null
  const plan = draftPlan(d, evalRows)
  if (!plan || !d.dataset) return null
  const otherSplit = d.dataset.evalSplit ? null : (splits.find((s) => s.split === 'test' && s.split !== d.dataset!.trainSplit && s.rows > 0) ?? splits.find((s) => s.split !== d.dataset!.trainSplit && s.rows > 0))
  const text = t.judge.evalSet({ ...plan, split: d.dataset.evalSplit })
  return (
    <div data-testid="eval-plan" data-conversations={plan.conversations} data-too-small={plan.tooSmall ? 'true' : 'false'}>
      {!plan.tooSmall ? (
        <div className="small muted">{text}</div>
      ) : (
        <Notice tone="warning">
          <div>
            {text} {t.judge.evalTooSmall}
          </div>
          <div className="row wrap">
            {otherSplit && (
              <Button onClick={() => d.patch({ dataset: { ...d.dataset!, evalSplit: otherSplit.split }, heldOutFraction: null })} data-testid="eval-use-split">
                {t.judge.useTestSplit(otherSplit.split)}
              </Button>
            )}
            {plan.suggestedFraction !== null && (
              <Button onClick={() => d.patch({ heldOutFraction: plan.suggestedFraction })} data-testid="eval-larger-fraction">
                {t.judge.useFraction(plan.suggestedFraction, heldOutCount(plan.of, plan.suggestedFraction))}
              </Button>
            )}
          </div>
        </Notice>
      )}
    </div>
  )
}
