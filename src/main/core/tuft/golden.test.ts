import fs from 'node:fs'
import path from 'node:path'
import { equals, fromBinary } from '@bufbuild/protobuf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bodyJson, readCapture } from '../../../../tests/helpers/captures'
import { capturesDir } from '../../../../tests/helpers/fixtures'
import { startReplayServer } from '../../../../tests/helpers/http-servers'
import { ForwardBackwardRequestSchema } from '../../../protocol'
import {
  createTuftClient,
  decodeForwardBackwardOutput,
  decodeSampleResponse,
  encodeForwardBackwardRequest,
  TuftError,
  type ForwardBackwardResult,
  type TrainingModel,
  type TuftClient,
} from './index'

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))

// The SDK's own results for the same run, one `[OK] name (time): value` line per call.
const stdout = fs.readFileSync(path.join(capturesDir, 'tuft_roundtrip_client_stdout.txt'), 'utf8')
const sdkValue = (name: string): string => {
  const line = stdout.split('\n').find((l) => l.startsWith(`[OK] ${name} (`) || l.startsWith(`[FAIL] ${name} (`))
  if (!line) throw new Error(`no stdout line for ${name}`)
  return line.slice(line.indexOf('): ') + 3)
}
const sdkJson = (name: string) => JSON.parse(sdkValue(name))
/** Python reprs like {'a': 0.0, 'b': 1.5} → JSON. */
const pyDict = (s: string) => JSON.parse(s.replace(/'/g, '"'))
const sdkFwdBwd = (name: string) => {
  const v = sdkValue(name)
  return {
    type: /loss_fn_output_type='([^']*)'/.exec(v)![1],
    shapes: [...v.matchAll(/shape=\[([\d, ]*)\]/g)].map((m) => m[1].split(',').map(Number)),
    metrics: pyDict(/metrics=(\{[^}]*\})/.exec(v)![1]) as Record<string, number>,
  }
}

describe('protocol test vectors (§6.3–6.5)', () => {
  it('re-encodes the SDK forward() request of §6.3 byte for byte', () => {
    const bytes = encodeForwardBackwardRequest({
      modelId: '13b805d8-ccfa-428f-a19e-462be1d423b5',
      seqId: 1,
      datums: [{ model_input: [11, 12, 13, 14], target_tokens: [12, 13, 14, 15], weights: [0, 1, 1, 1] }],
      lossFn: 'cross_entropy',
      forwardOnly: true,
    })
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '0a2431336238303564382d636366612d343238662d613139652d34363262653164343233623510011a740a140a120a100b0000000c0000000d0000000e00000012220a077765696768747312170a10000000000000803f0000803f0000803f180122010412380a0d7461726765745f746f6b656e7312270a200c000000000000000d000000000000000e000000000000000f000000000000001802220104220d63726f73735f656e74726f70793001',
    )
  })

  it('decodes the §6.4 ForwardBackwardOutput vector', () => {
    const out = decodeForwardBackwardOutput(
      hex(
        '0a07546f794c6f7373123f0a07546f794c6f737312320a086c6f6770726f627312260a10b332d2bfb332d2bfb332d2bfb332d2bf121000000000000000001000000000000000180118011a130a086c6f73733a73756d114eb823ffe69205401a130a08737465703a6d6178110000000000000000',
      ),
    )
    expect(out.loss_fn_output_type).toBe('ToyLoss')
    expect(out.loss_fn_outputs).toHaveLength(1)
    expect(out.loss_fn_outputs[0].logprobs).toHaveLength(4)
    for (const lp of out.loss_fn_outputs[0].logprobs) expect(lp).toBeCloseTo(-1.642172, 5)
    expect(Object.keys(out.metrics).sort()).toEqual(['loss:sum', 'step:max'])
    expect(out.metrics['step:max']).toBe(0)
  })

  it('decodes the §6.5 SampleResponse vector', () => {
    const r = decodeSampleResponse(hex('0a160801120806000000070000001a089a9999be9a9999be'))
    expect(r.sequences).toHaveLength(1)
    expect(r.sequences[0].tokens).toEqual([6, 7])
    expect(r.sequences[0].stop_reason).toBe('length')
    expect(r.sequences[0].logprobs!.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([-0.3, -0.3])
  })
})

describe('golden: the client replays the SDK ↔ TuFT capture', () => {
  const exchanges = readCapture('tuft_roundtrip.jsonl')
  let server: Awaited<ReturnType<typeof startReplayServer>>
  let client: TuftClient
  let model: TrainingModel
  const datum = { model_input: [11, 12, 13, 14], target_tokens: [21, 22, 23, 24], weights: [1, 1, 1, 1] }
  const modelId = 'de89b89d-321e-4bc4-acdb-4e8d4118aeb4'

  /** The captured exchange the replay server answered my request with (my n-th request to `p`). */
  const paired = (p: string, n = 0) => {
    const found = server.pairs.filter((x) => x.request.path === p)[n]
    if (!found) throw new Error(`no request to ${p} #${n}`)
    return found
  }
  const sameJson = (p: string, n = 0) => {
    const { request, exchange } = paired(p, n)
    expect(request.json()).toEqual(bodyJson(exchange.request))
    expect(request.headers['x-api-key']).toBe('tml-test-key-1')
    return exchange
  }
  const samePolls = (requestId: string, accept: string) => {
    const polls = server.pairs.filter(
      (x) => x.request.path === '/api/v1/retrieve_future' && (x.request.json() as { request_id: string }).request_id === requestId,
    )
    expect(polls.length).toBeGreaterThan(0)
    for (const { request, exchange } of polls) {
      expect(request.json()).toEqual(bodyJson(exchange.request))
      expect(request.headers.accept).toBe(accept)
      expect(exchange.request.headers.accept).toBe(accept)
    }
  }

  beforeAll(async () => {
    server = await startReplayServer(exchanges)
    client = createTuftClient({ url: server.url, apiKey: 'tml-test-key-1', env: {}, heartbeatIntervalMs: 3_600_000 })
  })
  afterAll(async () => {
    client.close()
    await server.close()
  })

  it('reads capabilities and the client config as the SDK did', async () => {
    const caps = await client.capabilities()
    expect(caps.supported_models.map(({ model_name, max_context_length }) => ({ model_name, max_context_length }))).toEqual(
      sdkJson('get_server_capabilities').supported_models,
    )
    const cfg = await client.clientConfig()
    expect(cfg.fwdbwd_max_chunk_len).toBe(1024)
    expect(cfg.fwdbwd_max_chunk_bytes_count).toBe(5_000_000)
    sameJson('/api/v1/client/config')
    expect(paired('/api/v1/get_server_capabilities').request.method).toBe('GET')
  })

  it('creates a session and a LoRA model with the same JSON bodies', async () => {
    model = await client.createLoraModel({ base_model: 'Qwen/Qwen3-0.6B', rank: 8, train_unembed: false })
    expect(model.modelId).toBe(modelId)
    sameJson('/api/v1/create_session')
    const ex = sameJson('/api/v1/create_model')
    samePolls((JSON.parse(Buffer.from(ex.response.body).toString()) as { request_id: string }).request_id, 'application/json')
  })

  it('get_info decodes to the SDK value', async () => {
    const info = await model.getInfo()
    expect(info).toEqual(expect.objectContaining({ model_data: sdkJson('get_info').model_data, lora_rank: 8, model_id: modelId }))
    sameJson('/api/v1/get_info')
  })

  const checkFwdBwd = (got: ForwardBackwardResult, sdk: ReturnType<typeof sdkFwdBwd>) => {
    expect(got.loss_fn_output_type).toBe(sdk.type)
    expect(got.loss_fn_outputs.map((o) => [o.logprobs.length])).toEqual(sdk.shapes)
    expect(got.metrics).toEqual(sdk.metrics)
  }

  const sameProto = (n: number, capturedIndex: number) => {
    const { request, exchange } = paired('/api/v1/forward_backward', n)
    expect(exchange.index).toBe(capturedIndex)
    expect(request.headers['content-type']).toBe('application/x-protobuf')
    const mine = fromBinary(ForwardBackwardRequestSchema, request.body)
    const sdk = fromBinary(ForwardBackwardRequestSchema, exchange.request.body)
    expect(equals(ForwardBackwardRequestSchema, mine, sdk)).toBe(true)
  }

  it('forward: same protobuf request, protobuf result decoded to the SDK values', async () => {
    const p = await model.forward([datum])
    expect(p.seqIds).toEqual([1])
    checkFwdBwd(await p.result, sdkFwdBwd('forward'))
    sameProto(0, 9)
    samePolls(p.requestIds[0], 'application/x-protobuf')
  })

  it('forward_backward, optim_step, save_state, save_weights_for_sampler, load_state: same bodies and results', async () => {
    // pipelined as the SDK does: every POST goes out before any result is awaited
    const fb = await model.forwardBackward([datum], 'cross_entropy')
    const opt = await model.optimStep({ learning_rate: 0.001 })
    const save = await model.saveState('checkpoint-test')
    const sampler = await model.saveWeightsForSampler('sampler-test')
    const load = await model.loadState(`tinker://${modelId}/weights/checkpoint-test`, { optimizer: false })
    expect([fb, opt, save, sampler, load].map((p) => p.seqIds[0])).toEqual([2, 3, 4, 5, 6])

    checkFwdBwd(await fb.result, sdkFwdBwd('forward_backward'))
    sameProto(1, 11)
    samePolls(fb.requestIds[0], 'application/x-protobuf')

    expect(await opt.result).toEqual({ metrics: sdkJson('optim_step').metrics })
    sameJson('/api/v1/optim_step')
    expect(await save.result).toEqual({ path: sdkJson('save_state').path })
    sameJson('/api/v1/save_weights')
    expect(await sampler.result).toEqual({ path: sdkJson('save_weights_for_sampler').path })
    sameJson('/api/v1/save_weights_for_sampler')
    expect(await load.result).toEqual({ path: sdkJson('load_state').path })
    sameJson('/api/v1/load_weights')
    for (const p of [opt, save, sampler, load]) samePolls(p.requestIds[0], 'application/json')
  })

  it('lists checkpoints and training runs like the SDK', async () => {
    const cps = await client.listCheckpoints(modelId)
    const sdk = sdkJson('rest.list_checkpoints') as { checkpoints: { time: string }[]; cursor: unknown }
    expect(cps.cursor).toEqual(sdk.cursor)
    expect(cps.checkpoints.map((c) => ({ ...c, time: Date.parse(c.time) }))).toEqual(
      sdk.checkpoints.map((c) => ({ ...c, time: Date.parse(c.time.replace(' ', 'T')) })),
    )
    const runs = await client.listTrainingRuns()
    expect(paired('/api/v1/training_runs').request.query).toBe('limit=20&offset=0&access_scope=owned')
    // the SDK's printed line is cut short; compare the fields it shows in full
    const line = sdkValue('rest.list_training_runs')
    const first = runs.training_runs[0]
    for (const key of ['training_run_id', 'base_model', 'model_owner'] as const)
      expect(line).toContain(`"${key}": "${first[key]}"`)
    expect(line).toContain(`"lora_rank": ${first.lora_rank}`)
    expect(first.last_checkpoint?.checkpoint_id).toBe('checkpoint-test')
    expect(runs.cursor).toEqual({ offset: 0, limit: 20, total_count: 3 })
  })

  it('samples from saved weights and from the base model with the same JSON and decoded protobuf', async () => {
    const fromSaved = await client.createSamplingClient({ modelPath: `tinker://${modelId}/sampler_weights/sampler-test` })
    const a = await fromSaved.sample({ prompt: [99, 5, 12], sampling_params: { max_tokens: 5, temperature: 0.5 } })
    sameJson('/api/v1/create_sampling_session', 0)
    sameJson('/api/v1/asample', 0)
    expect(a.sequences.map((s) => s.stop_reason)).toEqual(['length'])
    expect(a.sequences[0].tokens).toEqual([13, 14, 15, 16, 17])
    expect(a.sequences[0].logprobs!.map((x) => +x.toFixed(5))).toEqual([-0.3, -0.3, -0.3, -0.3, -0.3])
    expect(a.prompt_logprobs).toBeUndefined()

    const fromBase = await client.createSamplingClient({ baseModel: 'Qwen/Qwen3-0.6B' })
    const b = await fromBase.sample({
      prompt: [99, 5, 12],
      sampling_params: { max_tokens: 4, temperature: 0.7 },
      num_samples: 2,
      prompt_logprobs: true,
    })
    sameJson('/api/v1/create_sampling_session', 1)
    sameJson('/api/v1/asample', 1)
    expect(b.sequences.map((s) => s.stop_reason)).toEqual(['length', 'length'])
    expect(b.prompt_logprobs).toHaveLength(3)
    // the SDK printed SampleResponse(sequences=[SampledSequence(stop_reason='length'), …])
    expect(sdkValue('sample(base, logprobs)').match(/stop_reason='length'/g)).toHaveLength(2)
  })

  it('a failed future arrives as a typed error carrying the server text (captured 400)', async () => {
    const p = await model.forwardBackward([datum], 'cross_entropy', { lossFnConfig: { raise_missing_input: 1 } })
    expect(p.seqIds).toEqual([7])
    sameProto(2, 29)
    const err = (await p.result.catch((e: unknown) => e)) as TuftError
    expect(err).toBeInstanceOf(TuftError)
    expect(err.code).toBe('bad-datum')
    expect(err.details.status).toBe(400)
    expect(err.details.serverMessage).toBe("Failed to retrieve future: Missing 'expected_error' in loss_fn_inputs.")
    expect(sdkValue('forward_backward(bad loss_fn_config -> server error)')).toContain(String(err.details.serverMessage))
    // a failed op does not consume its seq_id on TuFT: the next call reuses 7
    expect(model.nextSeqId).toBe(7)
  })

  it('sent nothing the capture does not have', () => {
    expect(server.misses.map((m) => m.path)).toEqual([])
  })
})
