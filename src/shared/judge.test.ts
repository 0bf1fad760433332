import { describe, expect, it } from 'vitest'
import { defaultEpochs, defaultSteps, epochsOf, evalsSinceBest, judgeRun, planData } from './judge'

type Pts = [number, number][]
const curve = (from: number, to: number, f: (s: number) => number): Pts => Array.from({ length: to - from + 1 }, (_, i) => [from + i, f(from + i)])
/** Train NLL falling like a real run, with batch-to-batch noise. */
const falling = (steps: number, start = 3, floor = 1): Pts => curve(1, steps, (s) => floor + (start - floor) * Math.exp(-s / 15) * (1 + 0.08 * Math.sin(s * 2.7)))
const evalsOf = (steps: number[], f: (s: number) => number): Pts => steps.map((s) => [s, f(s)])

describe('run length from epochs', () => {
  it('is three epochs of the examples actually trained on, fewer for large datasets, never below one', () => {
    expect(defaultEpochs(69)).toBe(3)
    expect(defaultSteps(69, 8)).toBe(26) // ceil(3 × 69 / 8)
    expect(epochsOf(26, 8, 69)).toBeCloseTo(3.014, 3)
    expect(defaultEpochs(9_000)).toBe(2) // 3 × 9,000 > 25,000 examples
    expect(defaultEpochs(100_000)).toBe(1)
  })
})

describe('the held-out set', () => {
  it('is said as it is: 4 conversations, 5% of 73, too few to trust, with a larger fraction offered', () => {
    const p = planData({ trainDatums: 73, evalSplitDatums: null, evalSetSize: 100, weightedPerConversation: 80 })
    expect(p).toMatchObject({ source: 'held-out', conversations: 4, of: 73, fraction: 0.05, heldOut: 4, trainExamples: 69, tooSmall: true })
    // No fraction up to a quarter reaches 20 of 73; a quarter (18 conversations) is offered as the best there is.
    expect(p.suggestedFraction).toBe(0.25)
    expect(planData({ trainDatums: 73, evalSplitDatums: null, evalSetSize: 100, heldOutFraction: 0.25 }).heldOut).toBe(18)
    // With 300 conversations, 10% holds out 30 ≥ 20.
    expect(planData({ trainDatums: 300, evalSplitDatums: null, evalSetSize: 100 }).suggestedFraction).toBe(0.1)
  })

  it('a test split of 500 capped at the eval set size is enough; a small one is not and offers no fraction', () => {
    expect(planData({ trainDatums: 9_500, evalSplitDatums: 500, evalSetSize: 100, weightedPerConversation: 200 })).toMatchObject({
      source: 'split',
      conversations: 100,
      of: 500,
      trainExamples: 9_500,
      tooSmall: false,
    })
    // Too few assistant tokens also counts.
    expect(planData({ trainDatums: 9_500, evalSplitDatums: 500, evalSetSize: 30, weightedPerConversation: 50 }).tooSmall).toBe(true)
    expect(planData({ trainDatums: 9_500, evalSplitDatums: 10, evalSetSize: 100 })).toMatchObject({ tooSmall: true, suggestedFraction: null })
  })
})

describe('judging the curves', () => {
  it('fine: test NLL flattens at its best at the end', () => {
    const j = judgeRun({ train: falling(60), test: evalsOf([0, 10, 20, 30, 40, 50, 60], (s) => 1.5 + Math.exp(-s / 8)), finished: true })
    expect(j.verdict).toBe('fine')
    expect(j.best).toEqual({ step: 60, testNll: 1.5 + Math.exp(-60 / 8) })
  })

  it('overfit: test NLL more than the margin above its best while train NLL keeps falling; the best step is the earliest low', () => {
    const test = evalsOf([0, 10, 20, 30, 40, 50, 60], (s) => (s <= 20 ? 3 - s * 0.05 : 2 + (s - 20) * 0.02))
    const j = judgeRun({ train: falling(60), test, finished: true })
    expect(j.verdict).toBe('overfit')
    expect(j.best).toEqual({ step: 20, testNll: 2 })
    expect(j.overfitFrom).toBe(30) // 2.2 > 2 × 1.05
    expect(j.trainFalling).toBe(true)
    expect(j.riseAboveBest).toBeCloseTo(0.4, 10)
  })

  it('diverged: a failed diverging run, a non-finite loss, train NLL climbing back up, or test rising with train', () => {
    const test = evalsOf([0, 10, 20], (s) => 3 - s * 0.01)
    expect(judgeRun({ train: falling(20), test, finished: false, diverged: true }).verdict).toBe('diverged')
    expect(judgeRun({ train: [...falling(19), [20, Number.NaN]], test, finished: false }).verdict).toBe('diverged')
    const climbing = curve(1, 60, (s) => (s < 30 ? 3 - s * 0.05 : 1.5 + (s - 30) * 0.05))
    expect(judgeRun({ train: climbing, test: [], finished: true }).verdict).toBe('diverged')
    const both = judgeRun({ train: curve(1, 40, (s) => (s < 20 ? 3 - s * 0.05 : 2 + (s - 20) * 0.03)), test: evalsOf([0, 20, 40], (s) => (s <= 20 ? 3 : 3.5)), finished: true })
    expect(both.verdict).toBe('diverged')
  })

  it('too slow: still at its best and falling steeply over the last quarter; judged only once finished', () => {
    const linear = evalsOf([0, 10, 20, 30, 40], (s) => 3 - s * 0.01)
    expect(judgeRun({ train: falling(40, 3, 2.5), test: linear, finished: true })).toMatchObject({ verdict: 'too-slow', best: { step: 40 } })
    expect(judgeRun({ train: falling(40, 3, 2.5), test: linear, finished: false }).verdict).toBe('fine')
  })

  it('counts evaluations since the best (the early-stop patience)', () => {
    expect(evalsSinceBest(evalsOf([0, 10, 20, 30, 40], (s) => (s === 10 ? 1 : 2)))).toBe(3)
    expect(evalsSinceBest(evalsOf([0, 10], (s) => 2 - s))).toBe(0)
    // Ties are not improvements.
    expect(evalsSinceBest([[0, 2], [10, 1], [20, 1]])).toBe(1)
  })
})
