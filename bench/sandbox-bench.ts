/**
 * Sandbox throughput on this machine, through the app's real TuFT client over loopback HTTP:
 *  - sandbox_fwdbwd_tokens_per_s_rank{8,32}: forward_backward on batches of 8 × 512 tokens (wall time per call,
 *    from sending the request to holding the decoded result);
 *  - sandbox_fwdbwd_compute_ms_rank{8,32}: the model's pure compute per such call (the server-bound limit a
 *    pipelining client can reach), read from the sandbox's stats;
 *  - sandbox_demo_50_steps_s: a 50-step chat-SFT demo on the no_robots fixture (batch 8, max length 1024,
 *    forward_backward + optim_step per step, pipelined), end to end.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createTuftClient } from '../src/main/core/tuft'
import { SANDBOX_MODEL, startSandbox } from '../src/sandbox'
import type { Datum } from '../src/shared/datum'
import { loadChatDatums } from '../tests/helpers/chat-datums'
import { NO_ROBOTS_JSONL } from '../tests/helpers/fixtures'
import type { BenchModule } from './index'

const SEQ = 512
const BATCH = 8
const TIMED_STEPS = 5
const DEMO_STEPS = 50

/** 512-token training sequences cut from the fixture's token stream (real ids, every target weighted). */
function packed(datums: Datum[], n: number): Datum[] {
  const stream = datums.flatMap((d) => d.model_input)
  return Array.from({ length: n }, (_, i) => {
    const at = (i * (SEQ + 1)) % (stream.length - SEQ - 1)
    const toks = stream.slice(at, at + SEQ + 1)
    return { model_input: toks.slice(0, -1), target_tokens: toks.slice(1), weights: new Array<number>(SEQ).fill(1) }
  })
}

export const bench: BenchModule = {
  name: 'sandbox',
  async run(log) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-'))
    process.env.TUFT_STUDIO_HOME = home
    const sb = await startSandbox({ dataDir: path.join(home, 'sandbox') })
    const client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {} })
    const figures: Record<string, number> = {}
    try {
      const datums = await loadChatDatums({ file: NO_ROBOTS_JSONL, maxLength: 1024 })
      const batches = packed(datums, BATCH * (TIMED_STEPS + 1))
      for (const rank of [8, 32]) {
        const model = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank })
        let wall = 0
        let compute = 0
        for (let s = 0; s <= TIMED_STEPS; s++) {
          const batch = batches.slice(s * BATCH, (s + 1) * BATCH)
          const t0 = performance.now()
          const fb = await model.forwardBackward(batch)
          const opt = await model.optimStep({ learning_rate: 1e-4 })
          await fb.result
          const t1 = performance.now()
          await opt.result
          if (s === 0) continue // warm-up: base model build, JIT
          wall += t1 - t0
          compute += sb.stats().lastForwardBackward?.computeMs ?? 0
        }
        const tokens = TIMED_STEPS * BATCH * SEQ
        figures[`sandbox_fwdbwd_tokens_per_s_rank${rank}`] = tokens / (wall / 1000)
        figures[`sandbox_fwdbwd_compute_ms_rank${rank}`] = compute / TIMED_STEPS
        log(`rank ${rank}: ${(wall / TIMED_STEPS).toFixed(0)} ms per 8×512 forward_backward (compute ${(compute / TIMED_STEPS).toFixed(0)} ms)`)
        await model.unload()
      }

      const model = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank: 32 })
      const t0 = performance.now()
      let first = 0
      let last = 0
      for (let s = 0; s < DEMO_STEPS; s++) {
        const batch = Array.from({ length: BATCH }, (_, i) => datums[(s * BATCH + i) % datums.length])
        const fb = await model.forwardBackward(batch)
        const opt = await model.optimStep({ learning_rate: 1e-4 })
        const r = await fb.result
        await opt.result
        const nll = r.metrics['loss:sum'] / batch.reduce((n, d) => n + d.weights.reduce((a, b) => a + b, 0), 0)
        if (s === 0) first = nll
        last = nll
      }
      figures.sandbox_demo_50_steps_s = (performance.now() - t0) / 1000
      log(`50-step demo (rank 32, lr 1e-4, batch 8, max length 1024): NLL ${first.toFixed(2)} → ${last.toFixed(2)}`)
    } finally {
      client.close()
      await sb.close()
      fs.rmSync(home, { recursive: true, force: true })
    }
    return figures
  },
}
