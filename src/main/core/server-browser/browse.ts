import type {
  ServerCheckpointView,
  ServerRunDetail,
  ServerRunView,
  ServerRunsView,
  UnloadedRunView,
} from '../../../shared/server-browser'
import { checkpointsByPaths, localRunsOnServer, runsByServerModelIds, type LocalServerRun } from '../runs'
import type { Db } from '../store'
import type { Checkpoint, TrainingRun, TuftClient } from '../tuft'

function runView(r: TrainingRun, link: ServerRunView['localRun']): ServerRunView {
  return {
    trainingRunId: r.training_run_id,
    baseModel: r.base_model,
    loraRank: r.lora_rank ?? null,
    owner: r.model_owner ?? null,
    corrupted: r.corrupted ?? false,
    lastRequestTime: r.last_request_time ?? null,
    lastCheckpoint: r.last_checkpoint?.tinker_path ?? null,
    lastSamplerCheckpoint: r.last_sampler_checkpoint?.tinker_path ?? null,
    userMetadata: r.user_metadata ?? null,
    localRun: link,
  }
}

function checkpointView(
  c: Checkpoint,
  link: (ServerCheckpointView['localRun'] & { step: number }) | undefined,
): ServerCheckpointView {
  return {
    checkpointId: c.checkpoint_id,
    type: c.checkpoint_type === 'sampler' ? 'sampler' : 'training',
    tinkerPath: c.tinker_path,
    time: c.time,
    sizeBytes: c.size_bytes ?? null,
    public: c.public ?? false,
    expiresAt: c.expires_at ?? null,
    localRun: link ? { runId: link.runId, name: link.name, status: link.status } : null,
    localStep: link?.step ?? null,
  }
}

function unloadedView(r: LocalServerRun): UnloadedRunView {
  const link = { runId: r.runId, name: r.name, status: r.status }
  return {
    trainingRunId: r.modelId,
    baseModel: r.baseModel,
    loraRank: r.rank,
    updatedAt: r.updatedAt,
    localRun: link,
    checkpoints: r.checkpoints.map((c) => ({
      checkpointId: c.name,
      type: c.kind === 'sampler' ? 'sampler' : 'training',
      tinkerPath: c.path,
      time: c.createdAt,
      sizeBytes: null,
      public: false,
      expiresAt: null,
      localRun: link,
      localStep: c.step,
    })),
  }
}

/**
 * Every training run the client's key owns, newest first, with the local run that trained it when known; then the
 * app's own runs on this server that it no longer lists (unloaded when they ended) and that saved checkpoints.
 * `sandbox`: the server is the built-in sandbox, whose runs are recorded by kind rather than by address.
 */
export async function browseRuns(
  client: TuftClient,
  db: Db,
  o: { signal?: AbortSignal; sandbox?: boolean } = {},
): Promise<ServerRunsView> {
  const runs = await client.listAllTrainingRuns(o)
  const listed = new Set(runs.map((r) => r.training_run_id))
  const links = runsByServerModelIds(db, [...listed])
  const mine = localRunsOnServer(db, o.sandbox ? { sandbox: true } : { url: client.server.url })
  return {
    server: client.server.url,
    runs: runs.map((r) => runView(r, links.get(r.training_run_id) ?? null)),
    unloaded: mine.filter((r) => !listed.has(r.modelId) && r.checkpoints.length > 0).map(unloadedView),
  }
}

/** One run (TuFT's run info) with all its checkpoints, each linked to the local run and step that saved it. */
export async function browseRun(
  client: TuftClient,
  db: Db,
  trainingRunId: string,
  o: { signal?: AbortSignal } = {},
): Promise<ServerRunDetail> {
  const [run, checkpoints] = await Promise.all([
    client.getTrainingRun(trainingRunId, o),
    client.listAllCheckpoints(trainingRunId, o),
  ])
  const link = runsByServerModelIds(db, [trainingRunId]).get(trainingRunId) ?? null
  const saved = checkpointsByPaths(
    db,
    checkpoints.map((c) => c.tinker_path),
  )
  return {
    ...runView(run, link),
    server: client.server.url,
    checkpoints: checkpoints.map((c) => checkpointView(c, saved.get(c.tinker_path))),
  }
}

/**
 * The `--json` shape of `npm run cli -- server runs|checkpoints`:
 * `{"training_runs": [{"training_run_id", "base_model", "lora_rank", "checkpoints": [{"checkpoint_id", "tinker_path", "checkpoint_type", "time"}]}]}`.
 */
export type ServerRunsJson = {
  training_runs: Array<{
    training_run_id: string
    base_model: string
    lora_rank: number | null
    checkpoints: Array<{ checkpoint_id: string; tinker_path: string; checkpoint_type: string; time: string }>
  }>
}

export async function serverRunsJson(
  client: TuftClient,
  only?: string,
  o: { signal?: AbortSignal } = {},
): Promise<ServerRunsJson> {
  const runs = only ? [await client.getTrainingRun(only, o)] : await client.listAllTrainingRuns(o)
  const training_runs = []
  for (const r of runs) {
    const cks = await client.listAllCheckpoints(r.training_run_id, o)
    training_runs.push({
      training_run_id: r.training_run_id,
      base_model: r.base_model,
      lora_rank: r.lora_rank ?? null,
      checkpoints: cks.map((c) => ({
        checkpoint_id: c.checkpoint_id,
        tinker_path: c.tinker_path,
        checkpoint_type: c.checkpoint_type,
        time: c.time,
      })),
    })
  }
  return { training_runs }
}
