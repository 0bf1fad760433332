import { describe, expect, it } from 'vitest'
import { RUN_PALETTE, runColorIndex, runColors, TEST_COLOR } from './run-colors'

// Run ids are UUIDs; these are fixed ones (hex from a Weyl sequence), in increasing order.
const hex = (n: number): string => (Math.imul(n, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0')
const ids = Array.from({ length: 40 }, (_, i) => `${i.toString(16).padStart(8, '0')}-${hex(i + 1).slice(0, 4)}-4${hex(i + 2).slice(0, 3)}-a${hex(i + 3).slice(0, 3)}-${hex(i + 4)}${hex(i + 5).slice(0, 4)}`)

describe('run colours', () => {
  it('give a run the same colour whatever else the chart shows and in whatever order', () => {
    const alone = runColors([ids[0]]).get(ids[0])
    expect(alone).toBe(RUN_PALETTE[runColorIndex(ids[0])])
    // Another chart with the run among others, listed in another order, keeps its colour unless its entry was
    // taken by a run with a smaller id.
    const among = runColors([ids[5], ids[3], ids[0]])
    expect(runColors([ids[0], ids[3], ids[5]])).toEqual(among)
    expect(among.get(ids[0])).toBe(alone)
  })

  it('never give two runs of one chart the same colour while the palette lasts', () => {
    for (let start = 0; start + RUN_PALETTE.length <= ids.length; start += 4) {
      const chart = ids.slice(start, start + RUN_PALETTE.length)
      const colors = runColors(chart)
      expect(new Set(colors.values()).size).toBe(RUN_PALETTE.length)
    }
    // Past the palette, colours repeat rather than fail.
    expect(new Set(runColors(ids).values()).size).toBe(RUN_PALETTE.length)
  })

  it('keep the test series colour for test NLL only', () => {
    expect(RUN_PALETTE).not.toContain(TEST_COLOR)
    expect(new Set(ids.map((id) => runColorIndex(id))).size).toBe(RUN_PALETTE.length)
  })
})
