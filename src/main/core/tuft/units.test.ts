import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { chunkDatums, combineForwardBackward, createTuftClient, discoverServer, endpointUrl, errorFromResponse, estimateDatumBytes } from './index'

const tmpHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tuft-home-'))

describe('discoverServer', () => {
  it('follows explicit → TUFT_ADDRESS → TINKER_BASE_URL → address file → default', () => {
    const home = tmpHome()
    const env = { TUFT_ADDRESS: 'http://a:1', TINKER_BASE_URL: 'http://b:2' }
    expect(discoverServer('http://x:9/', env, home)).toEqual({ url: 'http://x:9', source: 'explicit' })
    expect(discoverServer(undefined, env, home)).toEqual({ url: 'http://a:1', source: 'TUFT_ADDRESS' })
    expect(discoverServer('', { TUFT_ADDRESS: ' ', TINKER_BASE_URL: 'http://b:2' }, home)).toEqual({ url: 'http://b:2', source: 'TINKER_BASE_URL' })
    expect(discoverServer(undefined, {}, home)).toEqual({ url: 'http://127.0.0.1:10610', source: 'default' })
    fs.mkdirSync(path.join(home, '.tuft'))
    fs.writeFileSync(path.join(home, '.tuft', 'tuft_current_server'), 'gpu-box:10610\n')
    expect(discoverServer(undefined, {}, home)).toEqual({ url: 'http://gpu-box:10610', source: 'address-file' })
    fs.writeFileSync(path.join(home, '.tuft', 'tuft_current_server'), '{"address": "https://h.example/tuft/"}')
    expect(discoverServer(undefined, {}, home)).toEqual({ url: 'https://h.example/tuft', source: 'address-file' })
    // TUFT_HOME moves the address file, as in TuFT
    expect(discoverServer(undefined, { TUFT_HOME: path.join(home, 'none') }, home).source).toBe('default')
  })

  it('keeps a path prefix and strips trailing slashes when joining endpoints', () => {
    const { url } = discoverServer('http://h:10610/prefix///', {})
    expect(url).toBe('http://h:10610/prefix')
    expect(endpointUrl(url, '/api/v1/healthz')).toBe('http://h:10610/prefix/api/v1/healthz')
    expect(endpointUrl(url, '/api/v1/training_runs', { limit: 20, offset: 0 })).toBe('http://h:10610/prefix/api/v1/training_runs?limit=20&offset=0')
    expect(() => discoverServer('ftp://h', {})).toThrow(/http/)
  })

  it('the client uses the prefix on the wire and reports its server source', () => {
    const c = createTuftClient({ env: { TINKER_BASE_URL: 'http://127.0.0.1:1/p/' }, homeDir: tmpHome() })
    expect(c.server).toEqual({ url: 'http://127.0.0.1:1/p', source: 'TINKER_BASE_URL' })
    expect(c.keyInfo).toEqual({ source: 'none', envKeySet: false, envKeyDiffers: false })
    c.close()
  })
})

describe('errorFromResponse', () => {
  const code = (status: number, detail: unknown) => errorFromResponse(status, typeof detail === 'string' ? { detail } : detail).code
  it('maps TuFT texts and statuses to stable codes', () => {
    expect(code(422, 'Future failed: Server error: ray::HFTrainingModel.forward() torch.OutOfMemoryError: CUDA out of memory. Tried')).toBe('server-oom')
    expect(code(409, 'Failed to retrieve future: Sequence conflict: expected 3, got 4.')).toBe('sequence-conflict')
    expect(errorFromResponse(409, { detail: 'Sequence conflict: expected 3, got 4.' }).details).toMatchObject({ expected: 3, got: 4 })
    expect(code(409, 'Failed to retrieve future: Input tensors must have the same shape. Got shapes: [torch.Size([1, 3])]')).toBe('bad-datum')
    expect(code(400, "Failed to retrieve future: Missing 'weights' in loss_fn_inputs.")).toBe('bad-datum')
    expect(code(422, "Future failed: Server error: loss_fn_inputs field 'target_tokens' must be present for every datum")).toBe('bad-datum')
    expect(code(422, "Invalid protobuf request: Unsupported loss_fn: 'x'")).toBe('bad-datum')
    expect(code(404, 'Failed to create model: Unknown model: X')).toBe('unknown-model')
    expect(code(404, 'Failed to create sampling session: Failed to read metadata for checkpoint tinker://a/weights/b.')).toBe('checkpoint-not-found')
    expect(code(410, 'Future with request ID x was cancelled: restart')).toBe('future-expired')
    expect(code(429, 'slots full')).toBe('rate-limited')
    expect(code(408, 'waited too long')).toBe('timeout')
    expect(code(401, 'Missing API key')).toBe('missing-api-key')
    expect(code(403, 'Invalid API key')).toBe('invalid-api-key')
    expect(code(500, 'Internal Server Error')).toBe('server-error')
    expect(code(422, { detail: [{ type: 'extra_forbidden', loc: ['body', 'x'], msg: 'Extra inputs are not permitted' }] })).toBe('invalid-input')
    const rank = errorFromResponse(400, { detail: 'LoRA rank 128 exceeds the server maximum 64' })
    expect(rank.code).toBe('rank-exceeds-server-max')
    expect(rank.details).toMatchObject({ rank: 128, maxRank: 64 })
  })
})

describe('chunking', () => {
  const d = (n: number) => ({ model_input: new Array(n).fill(1), target_tokens: new Array(n).fill(1), weights: new Array(n).fill(1) })
  it('estimates 4 B per input token plus tensor bytes, as the SDK', () => {
    expect(estimateDatumBytes(d(10))).toBe(160)
  })
  it('closes a chunk at maxLen datums or before passing maxBytes; an oversized datum goes alone', () => {
    expect(chunkDatums([d(1), d(1), d(1)], { maxLen: 2, maxBytes: 1e9 }).map((c) => c.length)).toEqual([2, 1])
    expect(chunkDatums([d(5), d(5), d(5)], { maxLen: 1024, maxBytes: 160 }).map((c) => c.length)).toEqual([2, 1])
    expect(chunkDatums([d(1), d(100), d(1)], { maxLen: 1024, maxBytes: 160 }).map((c) => c.length)).toEqual([1, 1, 1])
    expect(chunkDatums(Array.from({ length: 1030 }, () => d(1)), { maxLen: 1024, maxBytes: 5_000_000 }).map((c) => c.length)).toEqual([1024, 6])
  })
  it('recombines like combine_fwd_bwd_output_results', () => {
    const out = (n: number, metrics: Record<string, number>) => ({
      loss_fn_output_type: 'cross_entropy',
      loss_fn_outputs: Array.from({ length: n }, (_, i) => ({ logprobs: [i] })),
      metrics,
    })
    const r = combineForwardBackward([
      out(3, { 'loss:sum': 1, 'lr:mean': 1, 'a:min': 2, 'a:max': 2, 'u:unique': 7, nocolon: 1, 'x:weird': 1, 'only:sum': 1 }),
      out(1, { 'loss:sum': 2, 'lr:mean': 5, 'a:min': 1, 'a:max': 9, 'u:unique': 8, nocolon: 1, 'x:weird': 1 }),
    ])
    expect(r.loss_fn_outputs).toHaveLength(4)
    expect(r.metrics).toEqual({ 'loss:sum': 3, 'lr:mean': 2, 'a:min': 1, 'a:max': 9, 'u:unique': 7, 'u:unique_1': 8 })
  })
})
