import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../sandbox/index'
import { startScriptedServer } from '../../../../tests/helpers/http-servers'
import { rejectionOf } from '../../../../tests/helpers/rejection'
import { createTuftClient, parseCheckpointPath, TuftError, type TuftClient } from './index'

const FAST = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, heartbeatIntervalMs: 3_600_000, env: {} }
const rejection = (p: Promise<unknown>): Promise<TuftError> => rejectionOf(p, TuftError)

let sb: SandboxHandle
let client: TuftClient
let runId: string
let state: string
let sampler: string

beforeAll(async () => {
  sb = await startSandbox({ longPollMs: 1_000 })
  client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, ...FAST })
  const model = await client.createLoraModel({
    base_model: 'sandbox/qwen3-tiny',
    rank: 4,
    user_metadata: { from: 'notebook' },
  })
  runId = model.modelId
  state = (await (await model.saveState('step-1')).result).path
  sampler = (await (await model.saveWeightsForSampler('step-1')).result).path
})
afterAll(async () => {
  client.close()
  await sb.close()
})

describe('server browser calls (tinker RestClient routes)', () => {
  it('lists runs and checkpoints with sizes, and reads one run', async () => {
    const runs = await client.listAllTrainingRuns()
    expect(runs).toEqual([
      expect.objectContaining({
        training_run_id: runId,
        base_model: 'sandbox/qwen3-tiny',
        lora_rank: 4,
        user_metadata: { from: 'notebook' },
      }),
    ])
    expect(await client.getTrainingRun(runId)).toMatchObject({
      training_run_id: runId,
      last_sampler_checkpoint: { tinker_path: sampler },
    })
    const cks = await client.listAllCheckpoints(runId)
    expect(cks.map((c) => [c.checkpoint_type, c.tinker_path])).toEqual([
      ['training', state],
      ['sampler', sampler],
    ])
    for (const c of cks) expect(c.size_bytes).toBeGreaterThan(0)
    expect(await rejection(client.getTrainingRun('no-such-run'))).toMatchObject({ code: 'not-found' })
  })

  it('publishes and unpublishes, gives the archive address, and deletes', async () => {
    await client.setCheckpointPublic(sampler, true)
    expect((await client.listAllCheckpoints(runId)).find((c) => c.tinker_path === sampler)?.public).toBe(true)
    await client.setCheckpointPublic(sampler, false)
    expect((await client.listAllCheckpoints(runId)).find((c) => c.tinker_path === sampler)?.public).toBe(
      false,
    )

    const archive = await client.checkpointArchiveUrl(state)
    expect(archive.url).toMatch(/^file:\/\//)
    expect(fs.existsSync(fileURLToPath(archive.url))).toBe(true)
    const ttl = Date.parse(archive.expires as string) - Date.now()
    expect(ttl).toBeGreaterThan(14 * 60_000)
    expect(ttl).toBeLessThanOrEqual(15 * 60_000)

    const extra = (
      await (
        await client.trainingModel(runId, { nextSeqId: 3 }).saveWeightsForSampler('to-delete')
      ).result
    ).path
    await client.deleteCheckpoint(extra)
    expect((await client.listAllCheckpoints(runId)).map((c) => c.tinker_path)).not.toContain(extra)
    expect(await rejection(client.deleteCheckpoint('tinker://x/nope/y'))).toMatchObject({
      code: 'invalid-input',
    })
  })

  it('chats through the OpenAI-compatible route with the key as Bearer', async () => {
    const models = await client.oaiModels()
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['sandbox/qwen3-tiny', sampler]))
    const r = await client.oaiChat({
      model: sampler,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4,
      seed: 1,
    })
    expect(r).toMatchObject({
      model: sampler,
      finishReason: expect.stringMatching(/stop|length/),
      usage: { completion_tokens: expect.any(Number) },
    })
    expect(r.id.startsWith(`${runId}:sample:`)).toBe(true)
    const wrong = createTuftClient({ url: sb.url, apiKey: 'tml-wrong', ...FAST })
    expect(
      await rejection(wrong.oaiChat({ model: sampler, messages: [{ role: 'user', content: 'Hi' }] })),
    ).toMatchObject({ code: 'invalid-api-key' })
    expect(
      await rejection(client.oaiChat({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] })),
    ).toMatchObject({ code: 'unknown-model' })
    wrong.close()
  })

  it('pages through long lists, and names TuFT 0.2’s broken unpublish', async () => {
    const run = (i: number) => ({
      training_run_id: `r${i}`,
      base_model: 'm',
      is_lora: true,
      lora_rank: 8,
      last_request_time: '2025-01-01T00:00:00Z',
    })
    const srv = await startScriptedServer((req) => {
      const q = new URLSearchParams(req.query)
      if (req.path === '/api/v1/training_runs') {
        const offset = Number(q.get('offset'))
        return {
          status: 200,
          json: {
            training_runs: offset < 3 ? [run(offset)] : [],
            cursor: { offset, limit: Number(q.get('limit')), total_count: 3 },
          },
        }
      }
      if (req.method === 'DELETE' && req.path.endsWith('/publish'))
        return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' }
      if (req.path.endsWith('/archive'))
        return {
          status: 302,
          headers: { location: 'file:///srv/ckpt/r0/step', expires: 'Wed, 21 Oct 2099 07:28:00 GMT' },
        }
      return { status: 404, json: { detail: 'Not Found' } }
    })
    const c = createTuftClient({ url: srv.url, apiKey: 'tml-k', ...FAST })
    try {
      expect((await c.listAllTrainingRuns()).map((r) => r.training_run_id)).toEqual(['r0', 'r1', 'r2'])
      const err = await rejection(c.setCheckpointPublic('tinker://r0/weights/step', false))
      expect(err).toMatchObject({ code: 'server-unsupported' })
      expect(srv.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1)
      expect(srv.requests.at(-1)?.path).toBe('/api/v1/training_runs/r0/checkpoints/weights/step/publish')
      expect(await c.checkpointArchiveUrl('tinker://r0/weights/step')).toEqual({
        url: 'file:///srv/ckpt/r0/step',
        expires: '2099-10-21T07:28:00.000Z',
      })
      expect(await rejection(c.oaiModels())).toMatchObject({ code: 'server-unsupported' })
    } finally {
      c.close()
      await srv.close()
    }
  })

  it('parses checkpoint paths the way the SDK does (exactly three parts)', () => {
    expect(parseCheckpointPath('tinker://run-1/sampler_weights/best')).toEqual({
      trainingRunId: 'run-1',
      folder: 'sampler_weights',
      name: 'best',
      tinkerPath: 'tinker://run-1/sampler_weights/best',
    })
    expect(() => parseCheckpointPath('tinker://run-1/weights/a/b')).toThrow(/Not a checkpoint path/)
  })
})
