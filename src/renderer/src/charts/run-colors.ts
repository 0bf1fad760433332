/**
 * A run's colour is a function of its id, so the same run is drawn in the same colour on its page, in the live
 * sweep and in Compare. The palette leaves out the test-NLL colour, which a run's own page uses for its test
 * series beside the run's train series.
 */
export const TEST_COLOR = '#d97706'
export const RUN_PALETTE = ['#2563eb', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569']

/** FNV-1a over the id's UTF-16 units: cheap, and spreads UUIDs evenly over a small palette. */
export function runColorIndex(runId: string, size = RUN_PALETTE.length): number {
  let h = 0x811c9dc5
  for (let i = 0; i < runId.length; i++) {
    h ^= runId.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % size
}

/**
 * The colours of the runs drawn in one chart. Each run gets its own palette entry (its hashed one when free);
 * two runs of one chart share a colour only when there are more runs than colours. Collisions are settled in id
 * order, not chart order, so a set of runs is coloured the same on every screen that shows it.
 */
export function runColors(runIds: Iterable<string>): Map<string, string> {
  const n = RUN_PALETTE.length
  const taken = new Set<number>()
  const colors = new Map<string, string>()
  for (const id of [...new Set(runIds)].sort()) {
    if (taken.size === n) taken.clear()
    let i = runColorIndex(id, n)
    while (taken.has(i)) i = (i + 1) % n
    taken.add(i)
    colors.set(id, RUN_PALETTE[i])
  }
  return colors
}
