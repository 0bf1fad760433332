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
  // dataset import
  'dataset-file-unreadable',
  'dataset-format-unknown',
  'dataset-no-usable-rows',
  'parquet-corrupt',
  'dataset-not-cached',
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
  // runs
  'run-not-found',
  'run-not-resumable',
  'loss-diverged',
  'run-interrupted',
  // storage
  'store-error',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export const isErrorCode = (x: unknown): x is ErrorCode =>
  typeof x === 'string' && (ERROR_CODES as readonly string[]).includes(x)
