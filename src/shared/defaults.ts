/**
 * Every numeric default in TuFT Studio, each with its source. The UI, CLIs and engine import from here;
 * no component or module hard-codes these numbers.
 *
 * Sources cited:
 *  - GUIDE: TuFT's chat-SFT user guide (shared/seed/chat-sft-guide.zh.md), "参数选择" and the minimal example.
 *  - PROTO: the Tinker 0.25 / TuFT 0.2 wire reference (shared/protocol/tinker-protocol.md), section noted.
 *  - FIXTURE: measured on the no_robots test split with the Qwen3-4B-Instruct-2507 template (fixtures README).
 */

// ── Connection (PROTO §1, §3, §5, §8) ────────────────────────────────────────────────────────────────
export const TUFT_DEFAULT_PORT = 10610 // PROTO §1: TuFT CLI default --port
export const TUFT_DEFAULT_URL = `http://127.0.0.1:${TUFT_DEFAULT_PORT}` // PROTO §1: default host 127.0.0.1
export const REQUEST_TIMEOUT_MS = 60_000 // PROTO §8.1: SDK default read timeout 60 s
export const CONNECT_TIMEOUT_MS = 5_000 // PROTO §8.1: SDK connect timeout 5 s
export const POLL_TIMEOUT_MS = 130_000 // PROTO §5.3: TuFT long-polls 120 s; a poll must outlive it
export const SERVER_LONG_POLL_MS = 120_000 // PROTO §5.2: TuFT FutureStore.retrieve timeout
export const HEARTBEAT_INTERVAL_MS = 10_000 // PROTO §4.2: SDK heartbeat every 10 s
export const RETRY_MAX_DELAY_MS = 30_000 // PROTO §8.2: backoff min(2^n, 30) s
export const RETRY_BASE_DELAY_MS = 500 // PROTO §8.2: base client 0.5·2^n s
export const RETRY_MAX_ATTEMPTS = 6 // ours: capped so a dead server surfaces within about a minute
export const HEARTBEAT_TIMEOUT_MS = 10_000 // PROTO §4.2: SDK heartbeat timeout=10, max_retries=0
export const POLL_IMMEDIATE_408 = 3 // ours: re-poll at once after a 408 (as the SDK does) only this many times in a row…
export const POLL_MAX_408 = 20 // ours: …then back off, and give up after this many: TuFT's 408 record never recovers (PROTO §9.3)
export const FWDBWD_MAX_CHUNK_LEN = 1024 // PROTO §4.1/§8.5: client/config fwdbwd_max_chunk_len
export const FWDBWD_MAX_CHUNK_BYTES = 5_000_000 // PROTO §4.1/§8.5: fwdbwd_max_chunk_bytes_count

// ── Optimiser: AdamParams defaults (PROTO §4.6, SDK optim_step_request.py) ──────────────────────────
export const ADAM_DEFAULTS = {
  learning_rate: 1e-4,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-12,
  weight_decay: 0.0,
  grad_clip_norm: 0.0,
} as const

// ── LoRA and training (GUIDE "实用建议") ─────────────────────────────────────────────────────────────
export const LORA_RANK_DEFAULT = 32 // GUIDE: strong default rank 8 or 32; SDK create_lora_training_client default 32
export const LORA_RANK_CHOICES = [8, 32, 128] as const // GUIDE figures: ranks compared
export const LEARNING_RATE_DEFAULT = 1e-4 // GUIDE: 1e-4 is the common LoRA SFT default
export const LEARNING_RATE_FAST = 1e-3 // GUIDE: faster early progress, riskier
export const LEARNING_RATE_CONSERVATIVE = 5e-5 // GUIDE: if unstable lower LR 1e-4 → 5e-5 → 1e-5
export const LEARNING_RATE_SLOW = 1e-5 // GUIDE: 1e-5 converges much more slowly
export const LEARNING_RATE_CHOICES = [1e-5, 1e-4, 1e-3] as const // GUIDE figures: LRs compared
// GUIDE "参数选择": the experiments span 1e-5 ("稳定但慢") to 1e-3 ("可能不稳定"); ours: one decade beyond either end
// is outside anything the guide observed, so the wizard warns strongly there (still allowed: some setups need it).
export const LEARNING_RATE_SANE_MIN = 1e-6
export const LEARNING_RATE_SANE_MAX = 1e-2
export const LEARNING_RATE_MAX = 1 // ours: Adam steps above 1 destroy any LoRA; the sweep contract refuses them too
export const SWEEP_MAX_VALUES = 16 // ours: the sweep contract's limit per axis (ranks, LRs): 16 × 16 cells is already a day of training
export const MAX_LENGTH_DEFAULT = 2048 // GUIDE: build_sft_example(max_length=2048)
export const BATCH_SIZE_DEFAULT = 8 // ours: 8 × ≤2048 tokens fits a 4B model with LoRA on one 80 GB GPU (GUIDE setup: A100 80GB)
/**
 * Default run length when neither steps nor epochs are given: EPOCHS_TARGET passes over the examples actually
 * trained on (after the held-out slice and skipped conversations), fewer when that would exceed
 * EPOCHS_MAX_TARGET_EXAMPLES examples, never below EPOCHS_MIN; steps = ceil(epochs × examples / batch size).
 * Source: OpenAI's fine-tuning data-preparation cookbook (Chat_finetuning_data_prep.ipynb: TARGET_EPOCHS = 3,
 * MAX_TARGET_EXAMPLES = 25,000, MIN_DEFAULT_EPOCHS = 1), kept within 1–3 epochs: more passes over small data mostly
 * overfit (on the sandbox the bundled sample's test NLL is lowest after 2.3 epochs and 36% higher after 11.6).
 * See defaultEpochs() in src/shared/judge.ts.
 */
export const EPOCHS_TARGET = 3
export const EPOCHS_MIN = 1
export const EPOCHS_MAX_TARGET_EXAMPLES = 25_000
export const EVAL_EVERY_DEFAULT = 10 // ours: ~10 test-NLL points per default run
export const EVAL_SET_SIZE_DEFAULT = 100 // ours: fixed held-out subset; a full 500-row test split per eval costs as much as 60 steps
export const HELDOUT_FRACTION = 0.05 // ours: held-out slice when the dataset has no test split
export const HELDOUT_FRACTION_MAX = 0.5 // ours: a larger held-out fraction may be chosen, but never more than half the data
export const HELDOUT_MAX = 500 // ours: at most 500 held-out conversations (as many as no_robots' test split)
export const CHECKPOINT_EVERY_DEFAULT = 20 // ours: resume loses at most 20 steps
export const SEED_DEFAULT = 0 // ours: deterministic by default
export const SWEEP_CONCURRENCY_DEFAULT = 2 // ours: TuFT is multi-tenant; 2 LoRA runs share one server comfortably
export const PIPELINE_LOOKAHEAD_DEFAULT = 2 // ours (issue #4): steps in flight; 2 keeps the server busy while a stop/pause/error reacts within ~2 steps
export const DIVERGENCE_FACTOR = 3 // ours: train NLL above 3× the starting NLL (or NaN/Inf) counts as diverged
export const SWEEP_TIE_TOLERANCE = 0.02 // ours: test NLLs within 2% are a tie; the guide then prefers the smaller rank
export const SWEEP_MODERATE_RANK = 32 // GUIDE: strong default rank 8 or 32; higher ranks only when clearly better
export const RUN_HEARTBEAT_MS = 5_000 // ours: a live runner touches its run this often
export const RUN_STALE_MS = 30_000 // ours: a "running" run whose runner is gone or silent this long is interrupted
export const DISK_NEARLY_FULL_BYTES = 64 * 1024 * 1024 // ours: SQLite reports some writes on a full disk only as SQLITE_IOERR_*; with less free space than this left it counts as a full disk, not a bug
export const SAMPLE_MAX_TOKENS_DEFAULT = 128 // ours: enough for a short side-by-side answer
export const SAMPLE_TEMPERATURE_DEFAULT = 0.7 // ours: common chat sampling temperature
export const EMA_SMOOTHING = 0.9 // ours: TensorBoard-style debiased EMA weight for the train-NLL curve
export const CHART_MAX_BUCKETS = 600 // ours: min/max per bucket keeps ≤ 1,200 drawn points per series — about one per pixel of a wide chart

// ── Judging a run (GUIDE "参数选择": the best rank/LR "depends on the stopping step"; "if unstable/overfitting:
//    lower LR (1e-4 → 5e-5 → 1e-5) or rank (32 → 8)") ─────────────────────────────────────────────────────
export const EVAL_MIN_CONVERSATIONS = 20 // ours: a test NLL averaged over fewer conversations moves with which few were drawn
export const EVAL_MIN_WEIGHTED_TOKENS = 5_000 // ours: …or over fewer assistant tokens; ~25 no_robots replies (FIXTURE: ~200 weighted tokens each)
export const EVAL_SUGGESTED_FRACTION_STEP = 0.05 // ours: a larger held-out fraction is offered in 5% steps…
export const EVAL_SUGGESTED_FRACTION_MAX = 0.25 // ours: …up to a quarter of the data: holding out more costs more training data than a steadier test NLL is worth
export const OVERFIT_MARGIN = 0.05 // ours: test NLL 5% above its best while train NLL keeps falling = overfitting (eval noise on a fixed set is ~1%)
export const UNSTABLE_TRAIN_RISE = 0.2 // ours: train NLL (mean over a window) 20% above its lowest window mean = unstable; batches differ, so one step's NLL is noisier
export const TRAIN_WINDOW_FRACTION = 0.1 // ours: train NLL is averaged over the last 10% of steps (at least 3) before trends are compared
export const TOO_SLOW_LATE_SHARE = 0.25 // ours: test NLL still at its best and the last quarter of the run brought ≥ 25% of its fall = still falling steeply (a converging curve flattens)
export const TOO_SLOW_MIN_DROP = 0.01 // ours: …and fell ≥ 1% over that quarter (smaller moves are eval noise)
export const BEST_MIN_IMPROVEMENT = 1e-4 // ours: a test NLL counts as a new best only when lower by more than this (relative), so ties do not save a checkpoint each
export const EARLY_STOP_PATIENCE_DEFAULT = 3 // ours: evaluations without a new best before an early stop; with evals every 10 steps, 30 steps past the best
export const KEEP_CHECKPOINTS_DEFAULT: 'last-best' | 'all' = 'last-best' // ours: a sandbox state checkpoint is ~60 MB at rank 32 (adapter + Adam moments); keep the last one (resume) and the best sampler weights
export const GENERATION_PROMPTS_DEFAULT = 3 // ours: held-out prompts Compare samples side by side — enough to judge, quick on any server
export const GENERATION_SEED_DEFAULT = 0 // ours: one seed for every generation compared, so only the weights differ

// ── Data and tokenization (FIXTURE) ──────────────────────────────────────────────────────────────────
export const SUGGESTED_MAX_LENGTH_PERCENTILE = 0.95 // FIXTURE: p95 of no_robots test is 730 tokens
export const HISTOGRAM_BINS = 30 // ours: readable histogram width
export const TOKENIZE_BATCH_SIZE = 128 // ours: conversations per worker message; two in flight per worker overlap rendering with the native encoder
export const TOKENIZE_CHUNK_CHARS = 4_000_000 // ours: a message to a worker also stops at 4M characters of conversation JSON, so a few huge rows never make a huge message
export const TOKENIZE_WORKER_IDLE_MS = 60_000 // ours: idle tokenizer workers stay loaded a minute, so re-tokenizing (new max length) skips their ~1 s start-up
export const TOKENIZE_MAX_WORKERS = 4 // ours: render workers; the shared encoder's native thread pool already uses every core, and JS rendering + masks cost ~1/4 of encoding
export const TOKENIZE_CORES_PER_WORKER = 2 // ours: one render worker per 2 cores (the other core's share goes to the Rust encoder); 2 cores → 1 worker
export const TOKENIZE_ENCODER_MEMORY_MB = 200 // bench: the Qwen3 Rust tokenizer costs 120–170 MB of RSS in its own thread
export const TOKENIZE_WORKER_MEMORY_MB = 80 // bench: each render thread beyond the first added 60–80 MB of peak RSS tokenizing 10k conversations
export const TOKENIZE_MEMORY_SHARE = 0.5 // ours: tokenizer threads take at most half of the memory available when they start
export const TOKENIZE_WORKER_HEAP_MB = 256 // ours: V8 heap cap of a render worker; ~10× what a MAX_ROW_BYTES row needs, so only a runaway row hits it
export const TOKENIZE_ENCODER_HEAP_MB = 1024 // ours: V8 heap cap of the encoder thread (the transformers.js fallback holds ~300 MB of vocabulary)
export const TOKENIZE_MAX_WORKER_CRASHES = 8 // ours: worker crashes tolerated in one tokenization (each costs its row) before it fails as a whole
export const TOKENIZE_PROBE_CONVERSATIONS = 8 // ours: rendered rows whose transformers ids the Rust encoder must reproduce before it is used
export const TOKENIZE_PROBE_MAX_CHARS = 20_000 // ours: probe rows are encoded by transformers.js on the main thread, whose BPE is quadratic in a long word; short rows catch a mismatch as well
export const PREVIEW_PAGE_SIZE = 20 // ours: conversations per preview page
export const REJECTION_EXAMPLES_PER_REASON = 3 // ours: examples kept per rejection reason
export const REJECTION_EXCERPT_CHARS = 120 // ours: enough of a bad row to recognise it in the report
export const MAX_ROW_BYTES = 16 * 1024 * 1024 // ours: a 16 MB row is ~4M tokens, far past any max length; larger rows are rejected, not parsed
export const MAX_JSON_DEPTH = 64 // ours: chat rows nest about 5 levels (row → messages → turn → content parts → part); deeper rows are rejected before anything walks them
export const IMPORT_BATCH_ROWS = 2_000 // ours: rows per SQLite transaction while importing; ~3 MB of no_robots rows, a fraction of a second per commit
export const IMPORT_BATCH_CHARS = 8 * 1024 * 1024 // ours: …or fewer when the rows are long, so one batch never holds more than ~16 MB of text
export const PURGE_BATCH_ROWS = 5_000 // ours: rows deleted per transaction when a dataset goes; tens of milliseconds, so the app stays responsive
export const RECLAIM_PAGES_PER_STEP = 2_048 // ours: free pages returned to the file system per step (8 MB of 4 KB pages), again tens of milliseconds
/**
 * ours: the longest conversation import accepts, in characters of message text (UTF-16 code units).
 * 262,144 tokens is the longest context a server offers today (Qwen3-2507's native context) and English
 * averages ~4.4 characters per Qwen3 token (FIXTURE text: 1,000,000 characters → 227,606 tokens), so a
 * longer conversation could never be trained uncut; scripts with fewer characters per token reach that
 * token count sooner. Tokenizing one such row costs a worker ~4 s and ~400 MB on top of its ~540 MB
 * (measured on the 2-core dev machine; 4M characters: 16 s and +1.1 GB, and a 10 MB row ran out of memory),
 * so the budget also bounds what one row can cost the tokenizer.
 */
export const MAX_CONVERSATION_CHARS = 262_144 * 4

// ── Hugging Face hub downloads ───────────────────────────────────────────────────────────────────────
export const HF_DEFAULT_ENDPOINT = 'https://huggingface.co' // huggingface_hub's default when HF_ENDPOINT is unset
export const HUB_IDLE_TIMEOUT_MS = 30_000 // ours: no byte for 30 s means the mirror or hub has stalled
export const HUB_DOWNLOAD_RETRIES = 3 // ours: automatic Range resumes after a dropped connection before giving up

// ── Sandbox server (issue #3) ────────────────────────────────────────────────────────────────────────
export const SANDBOX_MAX_LORA_RANK = 64 // ours: keeps the CPU model small; TuFT HF backend default max_lora_rank is 16 (PROTO §9.3)
export const SANDBOX_MAX_CONTEXT = 4096 // ours: CPU-sized context
export const SANDBOX_DEFAULT_PORT = 10611 // ours: `npm run sandbox` default, next to TuFT's 10610 so it never shadows a real server
export const SANDBOX_FIXED_PORT_MIN = 1024 // POSIX: ports below 1024 need root; a fixed sandbox port is an ordinary user's
// Request limits: what a legitimate client sends, with headroom; beyond them a request is refused, never buffered.
export const SANDBOX_MAX_JSON_BODY_BYTES = 1024 * 1024 // ours: the largest JSON request, an asample prompt of SANDBOX_MAX_CONTEXT ids, is ~30 KB; 1 MiB leaves room for telemetry batches and chat messages
export const SANDBOX_MAX_FWDBWD_BODY_BYTES = 16 * 1024 * 1024 // PROTO §8.5: the SDK closes a forward_backward chunk at FWDBWD_MAX_CHUNK_BYTES estimated bytes (≈ the tensor bytes) plus ~100 B of framing per datum; 16 MiB is 3× that (TuFT: 413 over 64 MiB, for zstd bodies only, §4.5)
export const SANDBOX_MAX_FWDBWD_FIELDS = FWDBWD_MAX_CHUNK_LEN * 64 // ours: protobuf fields in one forward_backward body: an SFT datum has ~12 (a text chunk, two tensors and their shapes), an RL one ~30; each costs ~200 B once decoded, so a body of empty messages is refused before it costs ~90× its size
export const SANDBOX_MAX_TENSOR_ELEMENTS = SANDBOX_MAX_CONTEXT * 256 // ours: a loss input has one value per target position (≤ SANDBOX_MAX_CONTEXT), or a few hundred per position for top-k style inputs; bounds what a sparse tensor's shape can make the sandbox allocate
export const SANDBOX_MAX_NUM_SAMPLES = 64 // ours: samples per asample call on the CPU model (an RL group is typically 4–16)
export const SANDBOX_MAX_TOPK_PROMPT_LOGPROBS = 20 // vLLM's default max_logprobs (vLLM is TuFT's sampling engine)

// ── API keys on screen ───────────────────────────────────────────────────────────────────────────────
export const KEY_MASK_VISIBLE_CHARS = 4 // ours: the last 4 characters, as key dashboards show them (`…a1b2`), enough to tell two keys apart
export const KEY_MASK_MIN_LENGTH = 12 // ours: a shorter key shows no characters at all: 4 of 8 would give half of it away

// ── Browser bridge ───────────────────────────────────────────────────────────────────────────────────
// Bounds only what the page sends (one request per message); replies and pushes (dataset pages of up to 200
// conversations, whole-run metric series) are ours and not limited. The largest legitimate request is a
// playground conversation, whose messages the contract caps at 1,000,000 characters each: one such message,
// all in 3-byte UTF-8 or 6-byte JSON escapes, is ≤ 6 MB. 16 MiB leaves room for that, far below the `ws`
// default of 100 MiB per message. A longer message closes its socket with 1009; the page reconnects.
export const BRIDGE_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

// ── Local TuFT server (TuFT src/tuft/runtime/_constants.py, _launcher.py, _config_gen.py) ───────────────
export const LOCAL_SERVER_STOP_GRACE_MS = 10_000 // TuFT _launcher.py: SIGTERM to the process group, then wait(timeout=10) before kill
export const LOCAL_SERVER_STARTUP_TIMEOUT_MS = 600_000 // ours: TuFT's embedded STARTUP_TIMEOUT (120 s) is too short for vLLM loading a 7–8B model; the log streams meanwhile
export const LOCAL_SERVER_HEALTH_POLL_MS = 500 // TuFT STARTUP_POLL_INTERVAL 0.5 s
export const LOCAL_SERVER_HEALTH_TIMEOUT_MS = 2_000 // TuFT HEALTHZ_TIMEOUT 2.0 s
export const LOCAL_SERVER_FATAL_EXIT_WAIT_MS = 10_000 // ours: after a fatal startup line, how long TuFT gets to exit by itself before it is stopped
export const LOCAL_SERVER_DETECT_TIMEOUT_MS = 10_000 // ours: `python -c "find_spec('tuft')"` answers in well under a second; a hung interpreter must not hang the connect step
export const LOCAL_SERVER_LOG_RING_LINES = 5_000 // ours: the log tail kept in memory for the UI (the whole log stays on disk)
export const LOCAL_SERVER_LOG_POLL_MS = 200 // ours: how often the log file is read for new lines
export const LOCAL_SERVER_MAX_MODEL_LEN_CAP = 32_768 // TuFT _config_gen._infer_max_model_len: min(max_position_embeddings, 32768)
export const LOCAL_SERVER_MAX_MODEL_LEN_FALLBACK = 4_096 // TuFT _config_gen: conservative default when config.json has no context length
export const LOCAL_SERVER_MAX_LORA_RANK_DEFAULT = 32 // ours: the wizard's default rank (32) must fit; TuFT's own default max_lora_rank is 16
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000 // safetensors format: the JSON header is limited to 100 MB

// ── Server browser (PROTO §4.11) ─────────────────────────────────────────────────────────────────────
export const SERVER_RUNS_PAGE_SIZE = 100 // PROTO §4.11: GET /api/v1/training_runs accepts limit 1..500
export const SERVER_CHECKPOINTS_PAGE_SIZE = 1_000 // PROTO §4.11: …/checkpoints accepts limit 1..1000
export const SNIPPET_MAX_TOKENS_DEFAULT = 256 // ours: a usage example's reply budget, long enough for a paragraph
export const OAI_CHAT_TIMEOUT_MS = 300_000 // TuFT src/tuft/oai/proxy.py: the proxy gives vLLM 300 s per chat request

// ── Files the user picks (the desktop's open dialog, drops, browser-mode uploads) ──────────────────────
export const FILE_GRANT_TTL_MS = 30 * 60_000 // ours: a picked file stays usable for half an hour (an import, a retry with another format); then it is picked again
export const UPLOAD_MAX_DATASET_BYTES = 4 * 1024 ** 3 // ours: 200,000 chat conversations are ~570 MB of JSON Lines (README, streaming import); 4 GiB leaves room for ~7× that in the data folder's temporary copy
export const UPLOAD_MAX_TOKENIZER_FILE_BYTES = 64 * 1024 * 1024 // ours: Qwen3's tokenizer.json is 11 MB, the largest common ones (256k-token vocabularies) ~33 MB

// ── Reaching the hub ─────────────────────────────────────────────────────────────────────────────────
export const HUB_PROBE_TIMEOUT_MS = 5_000 // ours: the dataset step asks whether the hub answers at all; a firewall that drops packets must not keep it waiting for the 30 s idle timeout
export const HUB_ATTEMPT_MEMORY_MS = 15 * 60_000 // ours: an endpoint that failed this recently counts as already tried when a hint suggests what to try next
