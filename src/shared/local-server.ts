/**
 * The local TuFT server a workstation user starts from the app or the CLI: what they choose (validated with zod at
 * the main boundary and by the CLI), and what main reports back (status, log lines, the model-folder check).
 * Pure: the renderer bundles this file.
 */
import { z } from 'zod'
import { TUFT_DEFAULT_PORT } from './defaults'

/** A folder path as typed or picked: any text a file system could hold, without NUL. */
export const folderPathSchema = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must be a folder path')

/** TuFT refuses a shorter max_model_len than this (and so does the form). */
export const MIN_MAX_MODEL_LEN = 128

/** A setting of the local-server form, named as in tuft_config.yaml (`port` is TuFT's command-line flag). */
export const LOCAL_SERVER_FIELDS = [
  'model_path',
  'model_name',
  'max_model_len',
  'max_lora_rank',
  'tensor_parallel_size',
  'training_backend',
  'fsdp_num_gpus',
  'checkpoint_dir',
  'port',
  'colocate',
] as const
export type LocalServerField = (typeof LOCAL_SERVER_FIELDS)[number]

/** One `supported_models` entry, as the user picks it. Missing values are filled from the folder's config.json. */
export const localModelChoiceSchema = z
  .object({
    /** The folder holding config.json, tokenizer files and *.safetensors. */
    path: folderPathSchema,
    /** The name clients use (`base_model`); default: the folder's name, as TuFT's embedded mode does. */
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\s]+$/, 'no spaces')
      .optional(),
    maxModelLen: z.number().int().min(MIN_MAX_MODEL_LEN).max(1_048_576).optional(),
    maxLoraRank: z.number().int().min(1).max(1024).optional(),
    tensorParallelSize: z.number().int().min(1).max(64).optional(),
    trainingBackend: z.enum(['hf', 'fsdp']).optional(),
    /** FSDP workers (GPUs); only with trainingBackend 'fsdp'. */
    fsdpNumGpus: z.number().int().min(1).max(64).optional(),
  })
  .strict()
export type LocalModelChoice = z.infer<typeof localModelChoiceSchema>

export const localServerConfigSchema = z
  .object({
    models: z.array(localModelChoiceSchema).min(1).max(16),
    /** Where TuFT writes checkpoints; default `$TUFT_HOME/checkpoints` (TuFT's own default). */
    checkpointDir: folderPathSchema.optional(),
    port: z.number().int().min(1).max(65535).default(TUFT_DEFAULT_PORT),
    /** 127.0.0.1 keeps the server on this machine; 0.0.0.0 lets other machines reach it. */
    host: z.enum(['127.0.0.1', '0.0.0.0', 'localhost', '::1', '::']).default('127.0.0.1'),
    /** One GPU for both training and sampling (TuFT allows it for a single model with tensor_parallel_size 1). */
    colocate: z.boolean().optional(),
    /** FILE keeps runs and checkpoint records across restarts (TuFT's FILE persistence); DISABLE forgets them. */
    persistence: z.enum(['file', 'disable']).default('file'),
    /** Users (authorized_users) to generate a key for; the first one is the key the app sends. */
    users: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[\w.@-]{1,64}$/, 'letters, digits, ".", "_", "-" or "@"'),
      )
      .min(1)
      .max(8)
      .optional(),
  })
  .strict()
export type LocalServerConfigInput = z.input<typeof localServerConfigSchema>
export type LocalServerConfig = z.output<typeof localServerConfigSchema>

/** How TuFT can be started on this machine. */
export type TuftInstall =
  | { found: true; via: 'TUFT_BIN' | 'PATH' | 'python-module'; command: string[]; tried: string[] }
  | { found: false; command: null; tried: string[]; reason: string }

export type SafetensorsFileReport = {
  file: string
  bytes: number
  tensors: number
  parameters: number
  dtypes: string[]
  ok: boolean
  problem?: string
}

export type ModelFolderProblem = {
  kind:
    | 'not-a-folder'
    | 'missing-config'
    | 'bad-config'
    | 'missing-tokenizer'
    | 'missing-tokenizer-config'
    | 'no-weights'
    | 'bad-weights'
    | 'missing-shard'
  /** Main's English sentence, for logs and command lines; screens word the problem from the facts below. */
  message: string
  file?: string
  /** The model folder it was found in, when a plan lists the problems of several. */
  folder?: string
  fact?: ModelFolderFact
}

/** What exactly is wrong, beyond the kind and the file. */
export type ModelFolderFact =
  | { is: 'not-json' }
  | { is: 'not-object' }
  | { is: 'bin-only' }
  | { is: 'bad-shard-name' }
  /** A safetensors header that cannot be read; `problem` is main's English detail. */
  | { is: 'bad-header' }
  | { is: 'duplicate-name'; name: string }
  | { is: 'colocate-several-models' }
  | { is: 'colocate-tensor-parallel' }
  | { is: 'max-model-len-too-long'; name: string; maxModelLen: number; context: number }

export type ModelFolderReport = {
  path: string
  /** Every required file is there and every weight header is valid. */
  ok: boolean
  /** config.json `architectures[0]` (e.g. Qwen3ForCausalLM) and `model_type`. */
  architecture: string | null
  modelType: string | null
  /** config.json max_position_embeddings (or n_positions / seq_length), the model's own context limit. */
  maxContext: number | null
  /** What max_model_len to propose: the model's context capped at 32,768, as TuFT's embedded mode does. */
  suggestedMaxModelLen: number
  /** Parameter count: exact from the safetensors headers, else estimated from config.json. */
  parameters: number | null
  parametersSource: 'safetensors' | 'config-estimate' | null
  weightBytes: number
  dtype: string | null
  suggestedName: string
  files: {
    config: boolean
    tokenizer: boolean
    tokenizerConfig: boolean
    chatTemplate: boolean
    safetensors: SafetensorsFileReport[]
  }
  problems: ModelFolderProblem[]
  /** Not fatal for TuFT, but worth saying (e.g. no chat template: chat SFT and the chat route need one). */
  warnings: string[]
}

/** What will be started, shown before starting: the YAML (keys masked), the command, where files go. */
export type LocalServerPlan = {
  yaml: string
  configPath: string
  command: string[]
  url: string
  port: number
  host: string
  checkpointDir: string
  logPath: string
  /** Each model with the limits it will be served with (the form's blanks filled in from its folder). */
  models: { name: string; path: string; maxModelLen: number; tensorParallelSize: number }[]
  users: string[]
  problems: ModelFolderProblem[]
}

export type LocalServerState = 'stopped' | 'starting' | 'running' | 'unhealthy' | 'exited' | 'stopping'

export type LocalServerStatus = {
  state: LocalServerState
  /** The URL clients use (0.0.0.0 → 127.0.0.1). */
  url: string | null
  port: number | null
  pid: number | null
  healthy: boolean
  configPath: string | null
  logPath: string | null
  startedAt: string | null
  models: { name: string; path: string }[]
  keepRunningOnQuit: boolean
  /** A failure while starting (coded, with the log line that explains it). */
  error: { code: string; message: string; line: string | null } | null
}

export type LocalServerLogLine = { seq: number; text: string }
export type LocalServerLogPage = {
  lines: LocalServerLogLine[]
  nextSeq: number
  logPath: string | null
  total: number
}
