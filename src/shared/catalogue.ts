import type { ErrorCode } from './error-codes'

/**
 * The one catalogue of user-facing explanations. Every error code maps to what happened, why, and a fix;
 * `action` names a fix the UI can apply in one click (the renderer maps it to a button).
 * Wording is reviewed here, in one place; components and CLIs never write their own error prose.
 */
export type HintAction =
  | { kind: 'set-hf-endpoint'; endpoint: string }
  | { kind: 'use-sandbox' }
  | { kind: 'open-settings'; section: 'servers' | 'keys' | 'hub' | 'cache' }
  | { kind: 'lower-max-length' }
  | { kind: 'lower-batch-size' }
  | { kind: 'lower-rank' }
  | { kind: 'lower-learning-rate' }
  | { kind: 'resume-run' }
  | { kind: 'retry' }

export type Hint = {
  title: string
  why: string
  fix: string
  action?: HintAction
}

export const HF_MIRROR_ENDPOINT = 'https://hf-mirror.com'

export const HINTS: Record<ErrorCode, Hint> = {
  'invalid-input': {
    title: 'Invalid input',
    why: 'A value is missing or out of range.',
    fix: 'Correct the highlighted field and try again.',
  },
  cancelled: {
    title: 'Cancelled',
    why: 'The operation was cancelled before it finished. Nothing was lost: finished work is kept.',
    fix: 'Start it again when you are ready.',
    action: { kind: 'retry' },
  },
  internal: {
    title: 'Unexpected error',
    why: 'TuFT Studio hit a problem it does not recognise.',
    fix: 'Retry; if it happens again, copy the message into a bug report (API keys are never included).',
    action: { kind: 'retry' },
  },
  'not-found': {
    title: 'Not found',
    why: 'The item no longer exists.',
    fix: 'Refresh the list.',
  },
  'hf-unreachable': {
    title: 'Hugging Face is unreachable',
    why: 'huggingface.co could not be reached (for example "Network is unreachable", a DNS failure or a firewall). This is common behind corporate firewalls and in mainland China.',
    fix: `Use a mirror endpoint such as ${HF_MIRROR_ENDPOINT} (the same as setting HF_ENDPOINT) and retry. Anything already downloaded keeps working offline.`,
    action: { kind: 'set-hf-endpoint', endpoint: HF_MIRROR_ENDPOINT },
  },
  'hf-timeout': {
    title: 'The Hugging Face download timed out',
    why: 'The hub or mirror stopped answering in time.',
    fix: `Retry (downloads resume where they stopped), or switch to a mirror such as ${HF_MIRROR_ENDPOINT}.`,
    action: { kind: 'set-hf-endpoint', endpoint: HF_MIRROR_ENDPOINT },
  },
  'hf-auth-required': {
    title: 'This repository needs a Hugging Face token',
    why: 'The dataset or model is gated or private, and no valid token was sent.',
    fix: 'Accept the terms on the repository page, then set HF_TOKEN or paste a token in Settings → Hugging Face.',
    action: { kind: 'open-settings', section: 'hub' },
  },
  'hf-not-found': {
    title: 'Not found on the hub',
    why: 'The repository, split or file does not exist at this endpoint (mirrors can lag behind the hub).',
    fix: 'Check the id and split (for example HuggingFaceH4/no_robots, split train or test).',
  },
  'download-interrupted': {
    title: 'The download was interrupted',
    why: 'The connection dropped before the file was complete. The part already downloaded is kept.',
    fix: 'Retry: the download resumes from where it stopped.',
    action: { kind: 'retry' },
  },
  'dataset-file-unreadable': {
    title: 'The file cannot be read',
    why: 'The file is missing, empty, or not readable.',
    fix: 'Choose a .jsonl, .json or .parquet file you can open.',
  },
  'dataset-format-unknown': {
    title: 'Unknown dataset format',
    why: 'No rows had a messages list, ShareGPT conversations or Alpaca instruction/output fields.',
    fix: 'Pick the format explicitly, or give a column and role mapping for your field names.',
  },
  'dataset-no-usable-rows': {
    title: 'The dataset has no usable rows',
    why: 'Every row was rejected; the report lists each reason with examples.',
    fix: 'Check the format and role mapping, or fix the rows shown in the rejection report.',
  },
  'parquet-corrupt': {
    title: 'The parquet file is damaged',
    why: 'The file is truncated or not a parquet file (often an incomplete download).',
    fix: 'Download it again; partial downloads are resumed or restarted cleanly.',
    action: { kind: 'retry' },
  },
  'dataset-not-cached': {
    title: 'Not available offline',
    why: 'This dataset has not been imported yet and the network is unavailable.',
    fix: 'Import it once while online (or through a mirror); after that it works offline.',
  },
  'tokenizer-not-found': {
    title: 'Tokenizer not found',
    why: 'The model has no tokenizer.json / tokenizer_config.json at this endpoint or folder.',
    fix: 'Point to a folder that holds tokenizer.json and tokenizer_config.json, or set a mirror endpoint.',
    action: { kind: 'open-settings', section: 'hub' },
  },
  'tokenizer-invalid': {
    title: 'The tokenizer files are not valid',
    why: 'tokenizer.json or tokenizer_config.json could not be parsed.',
    fix: 'Download them again or pick another folder.',
  },
  'chat-template-missing': {
    title: 'The model has no chat template',
    why: 'tokenizer_config.json has no chat_template, so conversations cannot be rendered as the model expects.',
    fix: 'Choose the instruct/chat variant of the model, whose tokenizer_config.json carries a chat template.',
  },
  'chat-template-error': {
    title: 'The chat template failed on a conversation',
    why: 'The template raised an error (some templates require strictly alternating user/assistant turns).',
    fix: 'Look at the rejected conversation; such rows are skipped with this reason.',
  },
  'mask-unsupported-template': {
    title: 'Assistant turns could not be located',
    why: "The assistant's content could not be found in the rendered text, so an exact mask is impossible.",
    fix: 'The row is skipped; the rest of the dataset is unaffected.',
  },
  'tokenizer-worker-crashed': {
    title: 'Tokenization stopped: a tokenizer thread crashed',
    why: 'A tokenizer thread ran out of memory or crashed too often, usually on very long conversations. The app kept running and nothing half-done was saved.',
    fix: 'Remove the longest conversations from the dataset (the skipped rows are listed), close other memory-hungry programs, and tokenize again.',
  },
  'server-unreachable': {
    title: 'TuFT server unreachable',
    why: 'Nothing answered at the server address.',
    fix: 'Start TuFT on the GPU machine with `tuft launch` (default port 10610) and check the address, or try everything on the built-in local sandbox.',
    action: { kind: 'use-sandbox' },
  },
  'missing-api-key': {
    title: 'No API key',
    why: 'The server requires an X-API-Key and none was configured (neither in the app nor in TINKER_API_KEY).',
    fix: 'Enter the key from the server\u2019s config (authorized_users) in the connection step.',
    action: { kind: 'open-settings', section: 'keys' },
  },
  'invalid-api-key': {
    title: 'Invalid API key',
    why: 'The server rejected the key that was sent ("Invalid API key").',
    fix: 'Check which key was sent and where it came from (app setting or TINKER_API_KEY). If TINKER_API_KEY is set and differs, fix or unset it (`unset TINKER_API_KEY`); some Tinker SDK versions let the variable override the key passed in code, which matters for exported scripts.',
    action: { kind: 'open-settings', section: 'keys' },
  },
  'unknown-model': {
    title: 'Model not served',
    why: 'The server does not serve this base model.',
    fix: 'Pick one of the models the server lists in its capabilities.',
  },
  'rank-exceeds-server-max': {
    title: 'LoRA rank above the server\u2019s maximum',
    why: 'The server was configured with a lower maximum LoRA rank.',
    fix: 'Lower the rank to the server\u2019s maximum or below (8 or 32 is a strong default).',
    action: { kind: 'lower-rank' },
  },
  'sequence-conflict': {
    title: 'Training calls out of order',
    why: 'The server expected a different sequence number, usually after an earlier call failed.',
    fix: 'TuFT Studio resynchronises automatically; resume the run.',
    action: { kind: 'resume-run' },
  },
  'server-oom': {
    title: 'Out of memory on the server',
    why: 'The batch did not fit in GPU memory.',
    fix: 'Lower max length first (largest saving), then batch size, then LoRA rank, and resume from the last checkpoint.',
    action: { kind: 'lower-max-length' },
  },
  'bad-datum': {
    title: 'The server rejected a training example',
    why: 'A datum was malformed (for example weights and target tokens of different lengths).',
    fix: 'This is a bug in the data pipeline if it happens; report it with the message.',
  },
  'server-error': {
    title: 'Server error',
    why: 'The TuFT server failed while handling the request.',
    fix: 'Check the server log; retry or resume from the last checkpoint.',
    action: { kind: 'retry' },
  },
  timeout: {
    title: 'The server did not answer in time',
    why: 'A request timed out.',
    fix: 'Check the server is running and not overloaded; retry.',
    action: { kind: 'retry' },
  },
  'future-expired': {
    title: 'The server lost a pending request',
    why: 'The server restarted or cancelled the request before it finished.',
    fix: 'Resume the run from its last checkpoint.',
    action: { kind: 'resume-run' },
  },
  'rate-limited': {
    title: 'The server is busy',
    why: 'The server asked the client to slow down (429).',
    fix: 'Requests are retried automatically; wait or lower the number of concurrent runs.',
  },
  'checkpoint-not-found': {
    title: 'Checkpoint not found',
    why: 'The server cannot find the saved state (for example it was deleted or the server data folder changed).',
    fix: 'Start a new run, or point the server at its previous data folder.',
  },
  'run-not-found': {
    title: 'Run not found',
    why: 'No run with this id exists in the local store.',
    fix: 'Pick a run from the history list.',
  },
  'run-not-resumable': {
    title: 'This run cannot be resumed',
    why: 'Only interrupted, failed, stopped or paused runs resume; this one is still running or has completed.',
    fix: 'Start a new run with the same settings (Duplicate).',
  },
  'loss-diverged': {
    title: 'Loss became NaN or diverged',
    why: 'The learning rate is too high for this model and data.',
    fix: 'Lower the learning rate (1e-4 → 5e-5 → 1e-5) or the rank (32 → 8) and resume from the last good checkpoint.',
    action: { kind: 'lower-learning-rate' },
  },
  'run-interrupted': {
    title: 'The run was interrupted',
    why: 'The app or the server stopped while the run was training. Its curves are kept.',
    fix: 'Resume it from its last checkpoint.',
    action: { kind: 'resume-run' },
  },
  'store-error': {
    title: 'Local storage error',
    why: 'The local database could not be read or written.',
    fix: 'Check free disk space and permissions of the data folder (TUFT_STUDIO_HOME).',
    action: { kind: 'open-settings', section: 'cache' },
  },
}

export const hintFor = (code: ErrorCode): Hint => HINTS[code]
