/**
 * The label each chart line shows in its legend entry and tooltip, by line id. Entries are keyed by id (two runs
 * may share a name, e.g. runs recorded before names were unique), and a repeated name gets " (2)", " (3)" … so
 * the entries can still be told apart.
 */
export function legendLabels(lines: readonly { id: string; name: string }[]): Map<string, string> {
  const seen = new Map<string, number>()
  return new Map(
    lines.map((l) => {
      const n = (seen.get(l.name) ?? 0) + 1
      seen.set(l.name, n)
      return [l.id, n > 1 ? `${l.name} (${n})` : l.name]
    }),
  )
}
