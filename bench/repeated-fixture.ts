import fs from 'node:fs'
import path from 'node:path'
import { NO_ROBOTS_JSONL } from '../tests/helpers/hub-mirror'

/** The 500 no_robots fixture conversations repeated to `n` rows, as one JSON Lines file in `dir` (the issues' 10k workload). */
export function writeRepeatedNoRobots(dir: string, n: number): string {
  const lines = fs.readFileSync(NO_ROBOTS_JSONL, 'utf8').split('\n').filter((l) => l.trim())
  const file = path.join(dir, `no_robots_x${Math.round(n / lines.length)}.jsonl`)
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => lines[i % lines.length]).join('\n') + '\n')
  return file
}
