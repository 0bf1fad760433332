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
export const MAX_LENGTH_DEFAULT = 2048 // GUIDE: build_sft_example(max_length=2048)
export const BATCH_SIZE_DEFAULT = 8 // ours: 8 × ≤2048 tokens fits a 4B model with LoRA on one 80 GB GPU (GUIDE setup: A100 80GB)
export const STEPS_DEFAULT = 100 // ours: enough to see the GUIDE's early-phase curve shape on no_robots
export const EVAL_EVERY_DEFAULT = 10 // ours: ~10 test-NLL points per default run
export const EVAL_SET_SIZE_DEFAULT = 100 // ours: fixed held-out subset; a full 500-row test split per eval costs as much as 60 steps
export const HELDOUT_FRACTION = 0.05 // issue #4: held-out slice when the dataset has no test split
export const HELDOUT_MAX = 500 // issue #4: at most 500 held-out conversations
export const CHECKPOINT_EVERY_DEFAULT = 20 // ours: resume loses at most 20 steps
export const SEED_DEFAULT = 0 // ours: deterministic by default
export const SWEEP_CONCURRENCY_DEFAULT = 2 // ours: TuFT is multi-tenant; 2 LoRA runs share one server comfortably
export const PIPELINE_LOOKAHEAD_DEFAULT = 2 // ours (issue #4): steps in flight; 2 keeps the server busy while a stop/pause/error reacts within ~2 steps
export const DIVERGENCE_FACTOR = 3 // ours: train NLL above 3× the starting NLL (or NaN/Inf) counts as diverged
export const SWEEP_TIE_TOLERANCE = 0.02 // ours: test NLLs within 2% are a tie; the guide then prefers the smaller rank
export const SWEEP_UNSTABLE_RISE = 0.05 // ours: final test NLL 5% above its best = rising/unstable (GUIDE: 1e-3 "may be unstable/overfit")
export const SWEEP_MODERATE_RANK = 32 // GUIDE: strong default rank 8 or 32; higher ranks only when clearly better
export const RUN_HEARTBEAT_MS = 5_000 // ours: a live runner touches its run this often
export const RUN_STALE_MS = 30_000 // ours: a "running" run whose runner is gone or silent this long is interrupted
export const SAMPLE_MAX_TOKENS_DEFAULT = 128 // ours: enough for a short side-by-side answer
export const SAMPLE_TEMPERATURE_DEFAULT = 0.7 // ours: common chat sampling temperature
export const EMA_SMOOTHING = 0.9 // ours: TensorBoard-style debiased EMA weight for the train-NLL curve
export const CHART_MAX_BUCKETS = 600 // ours: min/max per bucket keeps ≤ 1,200 drawn points per series — about one per pixel of a wide chart

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
export const MAX_JSON_ARRAY_FILE_BYTES = 256 * 1024 * 1024 // ours: a .json array is parsed whole; bigger files must be JSON Lines or parquet

// ── Hugging Face hub downloads ───────────────────────────────────────────────────────────────────────
export const HF_DEFAULT_ENDPOINT = 'https://huggingface.co' // huggingface_hub's default when HF_ENDPOINT is unset
export const HUB_IDLE_TIMEOUT_MS = 30_000 // ours: no byte for 30 s means the mirror or hub has stalled
export const HUB_DOWNLOAD_RETRIES = 3 // ours: automatic Range resumes after a dropped connection before giving up

// ── Sandbox server (issue #3) ────────────────────────────────────────────────────────────────────────
export const SANDBOX_MAX_LORA_RANK = 64 // ours: keeps the CPU model small; TuFT HF backend default max_lora_rank is 16 (PROTO §9.3)
export const SANDBOX_MAX_CONTEXT = 4096 // ours: CPU-sized context
export const SANDBOX_DEFAULT_PORT = 10611 // ours: `npm run sandbox` default, next to TuFT's 10610 so it never shadows a real server
