/**
 * `npm run bench [-- --json FILE] [-- --only NAME]`: runs every area's benchmark in one process,
 * prints figures and ratios, and optionally writes all named figures as one JSON object so versions can
 * be compared. Each area registers a module here; a module returns its figures by their stable names.
 * Modules that take minutes (`defaultRun: false`, e.g. `scale`) run only when named with `--only`.
 */
import fs from 'node:fs'

export type BenchFigures = Record<string, number>
export type BenchModule = {
  name: string
  /** False for modules too long for the default run: they run only with `--only NAME`. */
  defaultRun?: boolean
  run: (log: (line: string) => void) => Promise<BenchFigures>
}

const MODULES: Array<() => Promise<{ bench: BenchModule }>> = [
  // Each area adds one line: () => import('./<area>-bench'),
  () => import('./datasets-bench'),
  () => import('./data-bench'),
  () => import('./runs-bench'),
  () => import('./ui-bench'),
  () => import('./sandbox-bench'),
  () => import('./scale-bench'),
]

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const jsonAt = args.indexOf('--json')
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined
  if (jsonAt >= 0 && !jsonFile) throw new Error('--json needs a file name')
  const onlyAt = args.indexOf('--only')
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined
  if (onlyAt >= 0 && !only) throw new Error('--only needs a module name')

  const all: BenchFigures = {}
  for (const load of MODULES) {
    const { bench } = await load()
    if (only ? bench.name !== only : bench.defaultRun === false) continue
    console.log(`\n== ${bench.name} ==`)
    const figures = await bench.run((line) => console.log(`  ${line}`))
    for (const [k, v] of Object.entries(figures)) {
      console.log(`  ${k} = ${Number.isInteger(v) ? v : v.toPrecision(4)}`)
      all[k] = v
    }
  }
  if (jsonFile) {
    fs.writeFileSync(jsonFile, JSON.stringify(all, null, 2) + '\n')
    console.log(`\nwrote ${Object.keys(all).length} figures to ${jsonFile}`)
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
