import { describe, expect, it } from 'vitest'
import { legendLabels } from './legend-labels'

describe('legend labels', () => {
  it('key every line by its id, and number repeated names so two runs never share one legend entry', () => {
    const labels = legendLabels([
      { id: 'a:train', name: 'no_robots r32 lr1e-4' },
      { id: 'b:train', name: 'no_robots r32 lr1e-4' },
      { id: 'c:train', name: 'other' },
    ])
    expect([...labels]).toEqual([
      ['a:train', 'no_robots r32 lr1e-4'],
      ['b:train', 'no_robots r32 lr1e-4 (2)'],
      ['c:train', 'other'],
    ])
  })
})
