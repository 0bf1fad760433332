/**
 * What the sandbox keeps on disk, so runs and checkpoints survive a restart:
 *   <dataDir>/runs/<model_id>/run.json                       training-run record (TuFT's TrainingRun + counters)
 *   <dataDir>/runs/<model_id>/<weights|sampler_weights>/<name>/meta.json, adapter.bin[, optimizer.bin]
 * Tensors are raw little-endian float32 in the order meta.json lists them; optimizer.bin holds Adam's m then v.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { AdamState } from './model/adam'
import type { Adapter, Arr } from './model/tiny-lm'

export type CheckpointType = 'training' | 'sampler'

export type CheckpointRecord = {
  checkpoint_id: string
  checkpoint_type: CheckpointType
  time: string
  tinker_path: string
  size_bytes: number
  public: boolean
  expires_at: null
}

export type LoraSettings = { rank: number; alpha: number; train_attn: boolean; train_mlp: boolean; train_unembed: boolean; seed: number }

export type RunRecord = {
  training_run_id: string
  base_model: string
  model_owner: string
  is_lora: true
  corrupted: boolean
  lora_rank: number
  last_request_time: string
  user_metadata: Record<string, string> | null
  session_id: string
  lora: LoraSettings
  counters: { training: number; sampler: number }
  checkpoints: CheckpointRecord[]
}

export type CheckpointMeta = {
  format: 'sandbox-lora-v1'
  model_id: string
  name: string
  checkpoint_type: CheckpointType
  base_model: string
  owner: string
  lora: LoraSettings
  time: string
  step: number
  tensors: Array<[string, number, number]>
  has_optimizer: boolean
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export const isSafeSegment = (s: string): boolean => SAFE_SEGMENT.test(s) && !s.includes('..')

export const dirKind = (t: CheckpointType): string => (t === 'training' ? 'weights' : 'sampler_weights')

/** The folder of one checkpoint under a sandbox data folder (see the layout above). */
export function checkpointFolder(dataDir: string, modelId: string, type: CheckpointType, name: string): string {
  return path.join(dataDir, 'runs', modelId, dirKind(type), name)
}

export class RunStore {
  constructor(readonly dataDir: string) {
    fs.mkdirSync(path.join(dataDir, 'runs'), { recursive: true })
  }

  runDir(modelId: string): string {
    return path.join(this.dataDir, 'runs', modelId)
  }

  checkpointDir(modelId: string, type: CheckpointType, name: string): string {
    return checkpointFolder(this.dataDir, modelId, type, name)
  }

  saveRun(rec: RunRecord): void {
    fs.mkdirSync(this.runDir(rec.training_run_id), { recursive: true })
    const file = path.join(this.runDir(rec.training_run_id), 'run.json')
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2))
    fs.renameSync(`${file}.tmp`, file)
  }

  deleteRun(modelId: string): void {
    fs.rmSync(path.join(this.runDir(modelId), 'run.json'), { force: true })
  }

  loadRuns(): RunRecord[] {
    const root = path.join(this.dataDir, 'runs')
    const out: RunRecord[] = []
    for (const id of fs.readdirSync(root)) {
      const file = path.join(root, id, 'run.json')
      if (!fs.existsSync(file)) continue
      try {
        out.push(JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord)
      } catch {
        // A half-written record from a crash: the run is listed as corrupted rather than hidden.
        out.push({ ...emptyRun(id), corrupted: true })
      }
    }
    return out
  }

  writeCheckpoint(meta: CheckpointMeta, adapter: Adapter, adam: AdamState | null): number {
    const dir = this.checkpointDir(meta.model_id, meta.checkpoint_type, meta.name)
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir, { recursive: true })
    const tensors = adapter.shapes.map(([n]) => adapter.params.get(n) as Arr)
    fs.writeFileSync(path.join(dir, 'adapter.bin'), concatF32(tensors))
    if (adam) {
      const parts = adapter.shapes.flatMap(([n]) => [adam.m.get(n) as Arr, adam.v.get(n) as Arr])
      fs.writeFileSync(path.join(dir, 'optimizer.bin'), concatF32(parts))
    }
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2))
    let size = 0
    for (const f of fs.readdirSync(dir)) size += fs.statSync(path.join(dir, f)).size
    return size
  }

  readMeta(modelId: string, type: CheckpointType, name: string): CheckpointMeta | null {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.checkpointDir(modelId, type, name), 'meta.json'), 'utf8'))
    } catch {
      return null
    }
  }

  loadWeights(meta: CheckpointMeta, adapter: Adapter): void {
    const buf = fs.readFileSync(path.join(this.checkpointDir(meta.model_id, meta.checkpoint_type, meta.name), 'adapter.bin'))
    splitF32(buf, adapter.shapes.map(([n]) => adapter.params.get(n) as Arr))
    const bt = adapter.params.get('unembed.Bt')
    if (bt) adapter.markLive(bt)
  }

  loadOptimizer(meta: CheckpointMeta, adapter: Adapter, adam: AdamState): boolean {
    const file = path.join(this.checkpointDir(meta.model_id, meta.checkpoint_type, meta.name), 'optimizer.bin')
    if (!meta.has_optimizer || !fs.existsSync(file)) return false
    splitF32(fs.readFileSync(file), adapter.shapes.flatMap(([n]) => [adam.m.get(n) as Arr, adam.v.get(n) as Arr]))
    for (const t of [adam.m.get('unembed.Bt'), adam.v.get('unembed.Bt')]) if (t) adapter.markLive(t)
    adam.step = meta.step
    return true
  }

  deleteCheckpoint(modelId: string, type: CheckpointType, name: string): void {
    fs.rmSync(this.checkpointDir(modelId, type, name), { recursive: true, force: true })
  }
}

function emptyRun(id: string): RunRecord {
  return {
    training_run_id: id,
    base_model: 'unknown',
    model_owner: 'unknown',
    is_lora: true,
    corrupted: false,
    lora_rank: 0,
    last_request_time: new Date(0).toISOString(),
    user_metadata: null,
    session_id: '',
    lora: { rank: 0, alpha: 0, train_attn: false, train_mlp: false, train_unembed: false, seed: 0 },
    counters: { training: 0, sampler: 0 },
    checkpoints: [],
  }
}

function concatF32(parts: Arr[]): Buffer {
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = new Float32Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}

function splitF32(buf: Buffer, into: Arr[]): void {
  const total = into.reduce((n, p) => n + p.length, 0)
  if (buf.length !== total * 4) throw new Error(`checkpoint holds ${buf.length / 4} values, expected ${total}`)
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))
  let at = 0
  for (const p of into) {
    p.set(all.subarray(at, at + p.length))
    at += p.length
  }
}

/** Bytes on disk of a checkpoint folder (0 when it is gone). */
export function checkpointBytesOnDisk(dataDir: string, modelId: string, type: CheckpointType, name: string): number {
  if (!isSafeSegment(modelId) || !isSafeSegment(name)) return 0
  const dir = new RunStore(dataDir).checkpointDir(modelId, type, name)
  let size = 0
  try {
    for (const f of fs.readdirSync(dir)) size += fs.statSync(path.join(dir, f)).size
  } catch {
    return 0
  }
  return size
}

/**
 * Deletes a checkpoint from a sandbox data folder while no sandbox serves it (a running one deletes through its
 * REST route, so its listing stays right): the folder goes and the run's record stops listing it.
 */
export function deleteCheckpointOnDisk(dataDir: string, modelId: string, type: CheckpointType, name: string): void {
  if (!isSafeSegment(modelId) || !isSafeSegment(name)) throw new Error(`not a sandbox checkpoint: ${modelId}/${name}`)
  const store = new RunStore(dataDir)
  store.deleteCheckpoint(modelId, type, name)
  const file = path.join(store.runDir(modelId), 'run.json')
  if (!fs.existsSync(file)) return
  const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord
  rec.checkpoints = rec.checkpoints.filter((c) => !(c.checkpoint_id === name && c.checkpoint_type === type))
  store.saveRun(rec)
}
