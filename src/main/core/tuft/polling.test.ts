import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bodyJson, readCapture } from '../../../../tests/helpers/captures'
import { startReplayServer } from '../../../../tests/helpers/http-servers'
import { createTuftClient, type TuftClient } from './index'

/** fake_polling: a scripted server answering try_again, then 408, then complete_metadata, then the result. */
describe('polling behaviour against the fake_polling capture', () => {
  const exchanges = readCapture('fake_polling.jsonl')
  let server: Awaited<ReturnType<typeof startReplayServer>>
  let client: TuftClient

  beforeAll(async () => {
    server = await startReplayServer(exchanges)
    client = createTuftClient({ url: server.url, apiKey: 'tml-test', env: {}, retry: { baseDelayMs: 1, maxDelayMs: 5 }, heartbeatIntervalMs: 3_600_000 })
  })
  afterAll(async () => {
    client.close()
    await server.close()
  })

  const pollsFor = (requestId: string) =>
    server.pairs.filter(
      (p) => p.request.path === '/api/v1/retrieve_future' && (p.request.json() as { request_id: string }).request_id === requestId,
    )

  /** Same poll bodies as the SDK, in the same order: allow_metadata_only flips to false after complete_metadata. */
  const expectSdkPolling = (requestId: string, accept: string) => {
    const polls = pollsFor(requestId)
    expect(polls.map((p) => p.exchange.response.status)).toEqual([200, 408, 200, 200])
    expect(polls.map((p) => p.request.json())).toEqual(polls.map((p) => bodyJson(p.exchange.request)))
    expect(polls.map((p) => (p.request.json() as { allow_metadata_only: boolean }).allow_metadata_only)).toEqual([true, true, true, false])
    expect(polls.map((p) => p.request.headers['x-tinker-request-iteration'])).toEqual(['0', '1', '2', '3'])
    for (const p of polls) expect(p.request.headers.accept).toBe(accept)
  }

  it('create_model: try_again → 408 → complete_metadata → result', async () => {
    const m = await client.createLoraModel({ base_model: 'fake/model', rank: 4 })
    expect(m.modelId).toBe('model-1')
    expectSdkPolling('req-1-create_model', 'application/json')
  })

  it('forward_backward: the same sequence ends in a protobuf result; config without chunk limits uses the defaults', async () => {
    const m = client.trainingModel('model-1')
    const p = await m.forwardBackward([{ model_input: [1, 2, 3], target_tokens: [2, 3, 4], weights: [1, 1, 1] }])
    expect(p.requestIds).toEqual(['req-2-forward_backward'])
    const r = await p.result
    expect(r.loss_fn_output_type).toBe('ToyLoss')
    expect(r.loss_fn_outputs[0].logprobs).toHaveLength(4)
    expect(Object.keys(r.metrics).sort()).toEqual(['grad_norm:mean', 'loss:sum', 'step:max'])
    expectSdkPolling('req-2-forward_backward', 'application/x-protobuf')
    expect((await client.clientConfig()).fwdbwd_max_chunk_len).toBe(1024)

    const opt = await m.optimStep()
    expect(opt.seqIds).toEqual([2])
    expect(await opt.result).toEqual({ metrics: { 'step:max': 1 } })
    expectSdkPolling('req-3-optim_step', 'application/json')
    const optReq = server.pairs.find((p) => p.request.path === '/api/v1/optim_step')!
    expect(optReq.request.json()).toEqual(bodyJson(optReq.exchange.request))
    expect(server.misses).toEqual([])
  })
})
