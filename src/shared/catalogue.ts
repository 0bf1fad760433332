import type { ErrorCode } from './error-codes'
import type { Locale } from './i18n/locale'
import { HF_MIRROR_ENDPOINT } from './hf-mirror'
import type { LocalServerField } from './local-server'
import { HINTS_ZH_CN, KEY_HINTS_ZH_CN } from './catalogue.zh-cn'

/**
 * The one catalogue of user-facing explanations. Every error code maps to what happened, why, and a fix;
 * `action` names a fix the UI can apply in one click (the renderer maps it to a button).
 * Wording is reviewed here, in one place; components and CLIs never write their own error prose.
 *
 * This file holds the English text and the actions (which are the same in every language);
 * catalogue.zh-cn.ts holds the Chinese text. Adding an error code: add it to error-codes.ts, then its hint
 * here AND in catalogue.zh-cn.ts — the type check fails until both have it.
 * Node code (main, the CLIs) asks `hintFor(code, locale)`, e.g. with `localeFromEnv(process.env)`.
 */
export type HintAction =
  | { kind: 'set-hf-endpoint'; endpoint: string }
  | { kind: 'use-sandbox' }
  | { kind: 'open-settings'; section: 'servers' | 'keys' | 'hub' | 'cache' | 'sandbox' }
  | { kind: 'lower-max-length' }
  | { kind: 'lower-batch-size' }
  | { kind: 'lower-rank' }
  | { kind: 'lower-learning-rate' }
  | { kind: 'resume-run' }
  | { kind: 'retry' }
  /** The local-server form: the next port after the one that was taken. */
  | { kind: 'use-next-port' }
  /** The local-server form: every model's max_model_len halved (the KV cache is the largest part that can shrink). */
  | { kind: 'lower-max-model-len' }
  /** Opens the local-server form at a field; without one, at the field the failure names (details.field). */
  | { kind: 'edit-local-server'; field?: LocalServerField }

/** The words of a hint, in one language. */
export type HintText = {
  title: string
  why: string
  fix: string
}

export type Hint = HintText & {
  action?: HintAction
  /** A second one-click fix, where the hint names two (e.g. a shorter context or more GPUs). */
  also?: HintAction
}

export { HF_MIRROR_ENDPOINT }

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
    title: 'The Hugging Face hub cannot be reached',
    why: 'The hub endpoint could not be reached (for example "Network is unreachable", a DNS failure or a firewall). This is common behind corporate firewalls and in mainland China.',
    fix: `Use a mirror endpoint such as ${HF_MIRROR_ENDPOINT} (the same as setting HF_ENDPOINT), or a proxy (start TuFT Studio with HTTPS_PROXY set), and retry. Anything already downloaded keeps working offline.`,
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
  'hf-bad-reply': {
    title: 'The hub or mirror sent a reply TuFT Studio refuses',
    why: 'A split, config or file name in its reply is not a plain name (for example one containing "../"), so using it could write files outside the data folder. Nothing was written.',
    fix: 'Use the official endpoint or another mirror you trust (Settings → Hugging Face), and tell the mirror operator.',
    action: { kind: 'open-settings', section: 'hub' },
  },
  'dataset-file-unreadable': {
    title: 'The file cannot be read',
    why: 'The file is missing, empty, or not readable.',
    fix: 'Choose a .jsonl, .json or .parquet file you can open.',
  },
  'dataset-not-a-file': {
    title: 'Not a data file',
    why: 'The path is a folder, a pipe, a device or another special file; a dataset is imported from one regular file.',
    fix: 'Choose the .jsonl, .json or .parquet file itself.',
  },
  'dataset-not-utf8': {
    title: 'The file is not UTF-8 text',
    why: 'The file is encoded as UTF-16 or UTF-32 (the message names which), and JSON datasets are read as UTF-8.',
    fix: 'Save it again as UTF-8 (for example `iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl`, or "Save as… UTF-8" in an editor) and import that file.',
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
  'file-grant-expired': {
    title: 'Choose the file again',
    why: 'TuFT Studio reads only files you picked, and only for a while after you picked them (an uploaded copy is deleted once it has been imported).',
    fix: 'Choose the file again (or drop it on the window) and import it.',
  },
  'file-too-large': {
    title: 'The file is too large to upload',
    why: 'In browser mode a file is copied into the data folder before it is imported, and this one is larger than the upload limit.',
    fix: 'Import it with the command line instead (`npm run cli -- dataset import FILE`, which reads it in place), or split it into smaller files.',
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
    why: 'The server expected a different sequence number: an earlier call failed, or another client is training the same model. (A reply lost on the way back is handled: TuFT Studio resynchronises and counts that step once.)',
    fix: 'Resume the run: it continues from its last checkpoint.',
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
  'server-unsupported': {
    title: 'This server cannot do that',
    why: 'The server does not implement this call, or answers it with an internal error (TuFT 0.2 cannot unpublish a checkpoint: its delete route catches the request).',
    fix: 'Upgrade TuFT, or do it on the server itself; everything else keeps working.',
  },
  'sandbox-port-taken': {
    title: 'The sandbox\u2019s port is taken',
    why: 'The local sandbox was told to listen on a fixed port (Settings, or `npm run serve -- --sandbox-port P`), and another program already listens there \u2014 perhaps another TuFT Studio or `npm run sandbox`.',
    fix: 'Stop the program that holds the port, choose another port in Settings \u2192 Local sandbox, or clear the field to let the system pick a free port.',
    action: { kind: 'open-settings', section: 'sandbox' },
  },
  'tuft-not-installed': {
    title: 'TuFT is not installed here',
    why: 'No `tuft` command was found on PATH (or in TUFT_BIN), and no Python on PATH can import the tuft package.',
    fix: 'Install TuFT on this machine (`pip install tuft` in a GPU environment), activate that environment before starting TuFT Studio, or set TUFT_BIN to the tuft executable. Or connect to a TuFT server that runs elsewhere.',
    action: { kind: 'open-settings', section: 'servers' },
  },
  'model-folder-invalid': {
    title: 'The model folder is not complete',
    why: 'TuFT needs config.json, tokenizer.json, tokenizer_config.json and the *.safetensors weights in the folder, and every weight file must have a valid header.',
    fix: 'Pick the folder that holds the downloaded model (e.g. from `huggingface-cli download Qwen/Qwen3-4B-Instruct-2507 --local-dir …`); re-download files reported as cut short.',
    action: { kind: 'edit-local-server', field: 'model_path' },
  },
  'local-server-port-taken': {
    title: 'The port is already in use',
    why: 'Another program (often another TuFT server) already listens on this port, so TuFT cannot bind to it.',
    fix: 'Pick another port, or connect to the server that already runs there; stop it first if it is an old one of yours.',
    action: { kind: 'use-next-port' },
  },
  'local-server-gpu-oom': {
    title: 'Not enough GPU memory to load the model',
    why: 'The model, its KV cache for max_model_len and the training copy did not fit in GPU memory while TuFT was starting.',
    fix: 'Lower max_model_len (largest saving), use more GPUs (tensor_parallel_size), pick a smaller model, or free the GPU from other processes (`nvidia-smi`).',
    action: { kind: 'lower-max-model-len' },
    also: { kind: 'edit-local-server', field: 'tensor_parallel_size' },
  },
  'local-server-missing-weights': {
    title: 'The model weights could not be loaded',
    why: 'TuFT found no usable weight files at the model path (wrong folder, an incomplete download, or a hub id with no network).',
    fix: 'Point the model at the local folder holding the *.safetensors files, and re-download any file reported as damaged.',
    action: { kind: 'edit-local-server', field: 'model_path' },
  },
  'local-server-bad-config': {
    title: 'TuFT rejected its configuration',
    why: 'tuft_config.yaml could not be parsed or has a value TuFT does not accept (or stored state was written with a different configuration).',
    fix: 'Review the configuration shown before starting and correct the field named in the log line.',
    action: { kind: 'edit-local-server' },
  },
  'local-server-exited': {
    title: 'TuFT stopped while starting',
    why: 'The TuFT process exited before it answered its health check.',
    fix: 'Read the last lines of the server log (shown with this message); they name the cause.',
  },
  'local-server-start-timeout': {
    title: 'TuFT did not become ready in time',
    why: 'The server process kept running but never answered /api/v1/healthz (large models can take many minutes to load).',
    fix: 'Check the log for progress; start again and wait longer, or try a smaller model first.',
    action: { kind: 'retry' },
  },
  'local-server-not-running': {
    title: 'No local TuFT server is running',
    why: 'TuFT Studio has no record of a local server it started, or that server has already stopped.',
    fix: 'Start one from the connect step (or `npm run cli -- server launch --model-path DIR`).',
  },
  'local-server-already-running': {
    title: 'A local TuFT server is already running',
    why: 'TuFT Studio started a local server before and it is still running.',
    fix: 'Use it, or stop it first to start one with different settings.',
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
  'run-name-taken': {
    title: 'Another run has this name',
    why: 'Run names are unique, so that charts, legends and exports can always be told apart.',
    fix: 'Pick a different name (for example add the date or what changed).',
  },
  'store-error': {
    title: 'Local storage error',
    why: 'The local database could not be read or written.',
    fix: 'Check free disk space and permissions of the data folder (TUFT_STUDIO_HOME).',
    action: { kind: 'open-settings', section: 'cache' },
  },
  'disk-full': {
    title: 'The disk is full',
    why: 'TuFT Studio could not write to its data folder because the disk (or your disk quota) is full. What was saved before is intact; a run that was training is marked interrupted.',
    fix: 'Free space on the disk that holds the data folder (Settings → Cache can clear downloads and cached datasets), or move the data folder to a bigger disk by starting TuFT Studio with TUFT_STUDIO_HOME set to a folder there. Then retry, or resume the run from its last checkpoint.',
    action: { kind: 'open-settings', section: 'cache' },
  },
  'data-folder-not-writable': {
    title: 'The data folder cannot be written',
    why: 'The data folder is read-only or TuFT Studio has no permission to write to it (for example a read-only mount, or a folder created by another user).',
    fix: 'Choose another data folder: start TuFT Studio with TUFT_STUDIO_HOME set to a folder you can write to (or fix the permissions of this one), then retry or resume the run.',
    action: { kind: 'open-settings', section: 'cache' },
  },
}

/**
 * The occurrence-specific advice for API-key failures, by which key was sent (main adds it to the failure as
 * `hint`, next to the catalogue's general fix).
 */
export type KeyHintCase = 'missing-none' | 'invalid-settings' | 'invalid-settings-env-differs' | 'invalid-env'

export const KEY_HINTS: Record<KeyHintCase, string> = {
  'missing-none': 'No API key is set in TuFT Studio\u2019s settings and TINKER_API_KEY is not set.',
  'invalid-settings-env-differs':
    'The key from TuFT Studio\u2019s settings was sent; it takes precedence over TINKER_API_KEY, which holds a different key. Correct the key in Settings, or clear it to use TINKER_API_KEY.',
  'invalid-settings': 'The key from TuFT Studio\u2019s settings was sent. Check it against the server\u2019s authorized keys.',
  'invalid-env': 'The key came from the TINKER_API_KEY environment variable (no key is set in Settings). Set the right key in Settings, or fix TINKER_API_KEY.',
}

const HINT_TEXTS: Record<Locale, Record<ErrorCode, HintText>> = { en: HINTS, 'zh-CN': HINTS_ZH_CN }
const KEY_HINT_TEXTS: Record<Locale, Record<KeyHintCase, string>> = { en: KEY_HINTS, 'zh-CN': KEY_HINTS_ZH_CN }

/** The hint for a code in a language: that language's words, the catalogue's one-click action. */
export function hintFor(code: ErrorCode, locale: Locale = 'en'): Hint {
  const { title, why, fix } = HINT_TEXTS[locale][code]
  const { action, also } = HINTS[code]
  return { title, why, fix, ...(action ? { action } : {}), ...(also ? { also } : {}) }
}

export const keyHintText = (c: KeyHintCase, locale: Locale = 'en'): string => KEY_HINT_TEXTS[locale][c]
