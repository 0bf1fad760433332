/**
 * Dataset cache speed: importing the 500 fixture conversations repeated to 10,000 (JSON Lines → parse,
 * validate, one SQLite transaction), reopening them from a fresh connection (one SELECT + JSON.parse,
 * target well under 1 s), and a hub import of both no_robots splits (parquet) through the local mirror.
 * Figures: dataset_import_10k_s, dataset_reopen_10k_s, dataset_hub_import_s.
 */
import fs from 'node:fs'
import type { BenchModule } from './index'
import { openDb } from '../src/main/core/store'
import { importDataset, loadConversations } from '../src/main/core/datasets'
import { NO_ROBOTS_ID, startHubMirror } from '../tests/helpers/hub-mirror'
import { importRepeatedNoRobots, withScratchHome } from './repeated-fixture'

const N = 10_000

export const bench: BenchModule = {
  name: 'datasets',
  async run(log) {
    return withScratchHome('datasets-bench-', async (dir) => {
      const imported = await importRepeatedNoRobots(dir, N, 'x20')
      const { dbFile, file, importS, report: r } = imported
      let db = imported.db
      let t: number
      log(
        `imported ${r.splits[0].rows} conversations (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB JSONL)`,
      )
      db.close()

      // Best of 3 fresh connections: the figure is the reopen path, not a cold disk cache.
      let reopenS = Infinity
      for (let i = 0; i < 3; i++) {
        t = performance.now()
        db = openDb(dbFile)
        const convs = loadConversations(db, 'x20', 'train')
        reopenS = Math.min(reopenS, (performance.now() - t) / 1000)
        if (convs.length !== N) throw new Error(`reopened ${convs.length} conversations, expected ${N}`)
        db.close()
      }

      const mirror = await startHubMirror({ qwen: false })
      db = openDb(dbFile)
      t = performance.now()
      const hub = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url })
      const hubS = (performance.now() - t) / 1000
      log(`hub import: ${hub.splits.map((s) => `${s.split} ${s.rows}`).join(', ')} via 127.0.0.1 mirror`)
      db.close()
      await mirror.close()
      return { dataset_import_10k_s: importS, dataset_reopen_10k_s: reopenS, dataset_hub_import_s: hubS }
    })
  },
}
