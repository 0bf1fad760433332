/**
 * Stable error codes. Each one has an entry in `catalogue.ts` (enforced by a test), so every failure the
 * user can see comes with an explanation and a fix. Add new codes here, never ad-hoc strings.
 */
export const ERROR_CODES = [
  // generic
  'invalid-input',
  'cancelled',
  'internal',
  'not-found',
  // hub / network for datasets and tokenizers
  'hf-unreachable',
  'hf-timeout',
  'hf-auth-required',
  'hf-not-found',
  'download-interrupted',
  'hf-bad-reply',
  // dataset import
  'dataset-file-unreadable',
  'dataset-not-a-file',
  'dataset-not-utf8',
  'dataset-format-unknown',
  'dataset-no-usable-rows',
  'parquet-corrupt',
  'dataset-not-cached',
  // files the user picks (desktop dialog, drop, browser upload)
  'file-grant-expired',
  'file-too-large',
  // tokenizer / template
  'tokenizer-not-found',
  'tokenizer-invalid',
  'chat-template-missing',
  'chat-template-error',
  'mask-unsupported-template',
  'tokenizer-worker-crashed',
  // TuFT server
  'server-unreachable',
  'missing-api-key',
  'invalid-api-key',
  'unknown-model',
  'rank-exceeds-server-max',
  'sequence-conflict',
  'server-oom',
  'bad-datum',
  'server-error',
  'timeout',
  'future-expired',
  'rate-limited',
  'checkpoint-not-found',
  'server-unsupported',
  // built-in sandbox
  'sandbox-port-taken',
  // local TuFT server (started by the app or `npm run cli -- server launch`)
  'tuft-not-installed',
  'model-folder-invalid',
  'local-server-port-taken',
  'local-server-gpu-oom',
  'local-server-missing-weights',
  'local-server-bad-config',
  'local-server-exited',
  'local-server-start-timeout',
  'local-server-not-running',
  'local-server-already-running',
  // runs
  'run-not-found',
  'run-not-resumable',
  'loss-diverged',
  'run-interrupted',
  'run-name-taken',
  // storage
  'store-error',
  'disk-full',
  'data-folder-not-writable',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export const isErrorCode = (x: unknown): x is ErrorCode =>
  typeof x === 'string' && (ERROR_CODES as readonly string[]).includes(x)
