/**
 * The `tuft_config.yaml` TuFT reads (`AppConfig` in TuFT's src/tuft/config.py), built from the user's choices.
 * The YAML is written by the `yaml` library, so model paths and names with quotes, colons or non-ASCII characters
 * come out escaped correctly. The port and host are not config keys in TuFT: they go on the command line
 * (`tuft launch --host H --port P`), and the file says so in a comment.
 */
import { createHash } from 'node:crypto'
import { Document, parse } from 'yaml'
import { LOCAL_SERVER_MAX_LORA_RANK_DEFAULT } from '../../../shared/defaults'
import type { LocalServerConfig, ModelFolderFact, ModelFolderProblem, ModelFolderReport } from '../../../shared/local-server'

export type ResolvedModel = {
  name: string
  path: string
  maxModelLen: number
  maxLoraRank: number
  tensorParallelSize: number
  trainingBackend: 'hf' | 'fsdp'
  fsdpNumGpus?: number
}

/** Fills each choice from its folder report (name from the folder, max_model_len from config.json). */
export function resolveModels(cfg: LocalServerConfig, reports: ModelFolderReport[]): ResolvedModel[] {
  return cfg.models.map((m, i) => {
    const r = reports[i]
    const backend = m.trainingBackend ?? 'hf'
    return {
      name: m.name ?? r.suggestedName,
      path: r.path,
      maxModelLen: m.maxModelLen ?? r.suggestedMaxModelLen,
      maxLoraRank: m.maxLoraRank ?? LOCAL_SERVER_MAX_LORA_RANK_DEFAULT,
      tensorParallelSize: m.tensorParallelSize ?? 1,
      trainingBackend: backend,
      ...(backend === 'fsdp' && m.fsdpNumGpus ? { fsdpNumGpus: m.fsdpNumGpus } : {}),
    }
  })
}

/** The checks TuFT's AppConfig/ModelConfig validators make, so a bad combination is reported before starting. */
export function configProblems(
  models: ResolvedModel[],
  cfg: Pick<LocalServerConfig, 'colocate'>,
  reports: ModelFolderReport[],
): ModelFolderProblem[] {
  const out: ModelFolderProblem[] = []
  const problem = (message: string, fact: ModelFolderFact): void => void out.push({ kind: 'bad-config', message, fact })
  const names = models.map((m) => m.name)
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problem(`Model names must be unique; "${dup}" is used twice.`, { is: 'duplicate-name', name: dup })
  if (cfg.colocate) {
    if (models.length > 1)
      problem('Colocating training and sampling on one GPU is only allowed with a single model.', { is: 'colocate-several-models' })
    if (models.some((m) => m.tensorParallelSize !== 1))
      problem('Colocating training and sampling requires tensor_parallel_size 1.', { is: 'colocate-tensor-parallel' })
  }
  models.forEach((m, i) => {
    const ctx = reports[i]?.maxContext
    if (ctx && m.maxModelLen > ctx)
      problem(`${m.name}: max_model_len ${m.maxModelLen} is above the model's own context length (${ctx}).`, {
        is: 'max-model-len-too-long',
        name: m.name,
        maxModelLen: m.maxModelLen,
        context: ctx,
      })
  })
  return out
}

/** Keeps runs of one model set apart from another's, so changing the models never trips TuFT's config-drift check. */
export const persistenceNamespace = (models: ResolvedModel[]): string =>
  `tuft-studio-${createHash('sha256')
    .update(
      JSON.stringify(
        models.map((m) => [
          m.name,
          m.path,
          m.maxModelLen,
          m.maxLoraRank,
          m.tensorParallelSize,
          m.trainingBackend,
        ]),
      ),
    )
    .digest('hex')
    .slice(0, 8)}`

export type TuftConfigInput = {
  models: ResolvedModel[]
  checkpointDir: string
  /** API key → user id (TuFT's authorized_users). */
  authorizedUsers: Record<string, string>
  colocate: boolean
  /** FILE persistence file, or null for none. */
  persistenceFile: string | null
}

export function buildTuftConfig(c: TuftConfigInput): Record<string, unknown> {
  return {
    checkpoint_dir: c.checkpointDir,
    model_owner: Object.values(c.authorizedUsers)[0] ?? 'local-user',
    supported_models: c.models.map((m) => ({
      model_name: m.name,
      model_path: m.path,
      max_model_len: m.maxModelLen,
      tensor_parallel_size: m.tensorParallelSize,
      max_lora_rank: m.maxLoraRank,
      training_backend: m.trainingBackend,
      ...(m.fsdpNumGpus ? { fsdp_num_gpus: m.fsdpNumGpus } : {}),
      ...(c.colocate ? { colocate: true } : {}),
    })),
    authorized_users: c.authorizedUsers,
    persistence: c.persistenceFile
      ? { mode: 'FILE', file_path: c.persistenceFile, namespace: persistenceNamespace(c.models) }
      : { mode: 'DISABLE' },
  }
}

/** YAML text with a comment header (how it is started); `mask` replaces every API key, for showing it on screen. */
export function renderTuftYaml(config: Record<string, unknown>, header: string[], mask = false): string {
  const shown = mask
    ? {
        ...config,
        authorized_users: Object.fromEntries(
          Object.values(config.authorized_users as Record<string, string>).map((u, i) => [
            `tml-•••• (key ${i + 1}, hidden)`,
            u,
          ]),
        ),
      }
    : config
  const doc = new Document(shown)
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n')
  return doc.toString({ lineWidth: 0 })
}

/** Reads the authorized_users of a config file we wrote (key → user), or {} when it cannot be read. */
export function authorizedUsersOf(yamlText: string): Record<string, string> {
  try {
    const doc = parse(yamlText) as { authorized_users?: unknown } | null
    const users = doc?.authorized_users
    if (!users || typeof users !== 'object') return {}
    return Object.fromEntries(
      Object.entries(users as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>
  } catch {
    return {}
  }
}

/** The checkpoint_dir of a config file we wrote, or null when it cannot be read. */
export function checkpointDirOf(yamlText: string): string | null {
  try {
    const dir = (parse(yamlText) as { checkpoint_dir?: unknown } | null)?.checkpoint_dir
    return typeof dir === 'string' && dir.trim() ? dir : null
  } catch {
    return null
  }
}
