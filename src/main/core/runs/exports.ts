import type { Db } from '../store'
import type { CheckpointTarget, RunConfig, RunDetailDto, RunExportDto } from '../../../shared/runs'
import { adamParamsOf } from '../../../shared/runs'
import { exportFileName } from '../../../shared/export-names'
import { StudioError } from '../../../shared/result'
import { conversationsOf, runExamples, type RunExample } from './reproduce'
import { getEvals, getMetrics, getRunDetail, storableConfig } from './store'

/** One row per step; test NLL only on eval steps; server metrics not reported are left empty (never 0). */
export function metricsCsv(db: Db, runId: string): string {
  const metrics = getMetrics(db, runId)
  const evalRows = getEvals(db, runId)
  const evals = new Map(evalRows.map((e) => [e.step, e.testNll]))
  const bpb = new Map(evalRows.map((e) => [e.step, e.bitsPerByte]))
  const serverKeys = [...new Set(metrics.flatMap((m) => Object.keys(m.serverMetrics)))].sort()
  const header = [
    'step',
    'train_nll',
    'test_nll',
    'test_bits_per_byte',
    'weighted_tokens',
    'total_tokens',
    'tokens_per_s',
    'step_time_s',
    'learning_rate',
    'loss_sum',
    'grad_norm',
    ...serverKeys.map((k) => `server:${k}`),
  ]
  const cell = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v))
  const steps = [...new Set([...metrics.map((m) => m.step), ...evals.keys()])].sort((a, b) => a - b)
  const byStep = new Map(metrics.map((m) => [m.step, m]))
  const lines = [header.join(',')]
  for (const s of steps) {
    const m = byStep.get(s)
    lines.push(
      [
        String(s),
        cell(m?.trainNll),
        cell(evals.get(s)),
        cell(bpb.get(s)),
        cell(m?.weightedTokens),
        cell(m?.totalTokens),
        cell(m?.tokensPerS),
        cell(m?.stepTimeS),
        cell(m?.learningRate),
        cell(m?.lossSum),
        cell(m?.gradNorm),
        ...serverKeys.map((k) => cell(m?.serverMetrics[k])),
      ].join(','),
    )
  }
  return lines.join('\n') + '\n'
}

/** The run's validated config as JSON, without any API key (the stored config never has one either). */
export function configJson(config: RunConfig): string {
  return JSON.stringify(storableConfig(config), null, 2) + '\n'
}

const py = (v: unknown): string => {
  if (v === null || v === undefined) return 'None'
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'number') return String(v)
  return JSON.stringify(v)
}

/** The format tag on the first line of a datums file; the script refuses any other. */
export const DATUMS_FORMAT = 'tuft-studio-datums-v1'

export type PythonScriptFacts = {
  runId: string
  runName: string
  serverUrl: string | null
  baseModel: string
  /** The tokenizer `--retokenize` loads with transformers: a hub id or a folder. */
  tokenizer: string
  config: RunConfig
  /** Steps to train: the run's, or the best step when the export targets the best checkpoint. */
  steps: number
  target: CheckpointTarget
  bestStep: number | null
  /** The datums file the script reads by default (next to it). */
  datumsFile: string
}

/**
 * A standalone script that reproduces the run with the official tinker SDK. By default it reads the exact datums
 * the app trained on (token ids and loss weights, with the normalized conversations they came from) from the
 * datums file exported with it, so it needs nothing but `tinker`: same examples, same masks, the same training
 * pool and eval set, the same batch order (the app's seeded per-epoch permutations, ported bit for bit), the same
 * hyper-parameters, evaluation schedule, best-checkpoint saves and early stop. `--retokenize` rebuilds the datums
 * from those conversations with `transformers` (the app's mask rule), for who wants to change the data.
 * It never contains an API key: the SDK reads TINKER_API_KEY.
 */
export function pythonScript(f: PythonScriptFacts): string {
  const c = f.config
  const adam = adamParamsOf(c)
  return `#!/usr/bin/env python3
"""Reproduce TuFT Studio run ${JSON.stringify(f.runName)} (${f.runId}) with the official tinker SDK.

    pip install "tinker>=0.25,<0.26"
    export TINKER_API_KEY=...            # never stored in this file
    export TINKER_BASE_URL=${f.serverUrl ?? 'http://127.0.0.1:10610'}
    python3 this_script.py               # reads ${f.datumsFile} next to it

The datums file holds the exact examples the app trained and tested on: token ids, loss weights (1 on assistant
content and the end-of-turn token that closes it) and the normalized conversations they were rendered from, in
the app's order. Batches follow the app's seeded per-epoch shuffle, so on a deterministic server the printed train
and test NLL equal the app's curves.${f.target === 'best' && f.bestStep !== null ? `\nThis export targets the best checkpoint: it trains ${f.steps} steps, where the run's test NLL was lowest.` : ''}

Options:
    --datums FILE     another datums file
    --retokenize      rebuild the datums from the conversations with transformers (pip install transformers;
                      behind a firewall export HF_ENDPOINT=https://hf-mirror.com first)
    --steps N         train N steps instead of ${f.steps}
    --json FILE       also write the train/test NLL series as JSON
"""
import argparse
import json
import math
import os
import sys

BASE_URL = os.environ.get("TINKER_BASE_URL", ${py(f.serverUrl ?? 'http://127.0.0.1:10610')})
BASE_MODEL = ${py(f.baseModel)}
TOKENIZER = ${py(f.tokenizer)}
DATUMS_FILE = ${py(f.datumsFile)}
DATUMS_FORMAT = ${py(DATUMS_FORMAT)}
LORA_RANK = ${py(c.rank)}
TRAIN_MLP, TRAIN_ATTN, TRAIN_UNEMBED = ${py(c.trainMlp)}, ${py(c.trainAttn)}, ${py(c.trainUnembed)}
LEARNING_RATE = ${py(adam.learning_rate)}
ADAM = dict(beta1=${py(adam.beta1)}, beta2=${py(adam.beta2)}, eps=${py(adam.eps)}, weight_decay=${py(adam.weight_decay)}, grad_clip_norm=${py(adam.grad_clip_norm)})
BATCH_SIZE = ${py(c.batchSize)}
MAX_LENGTH = ${py(c.maxLength)}
STEPS = ${py(f.steps)}
EVAL_EVERY = ${py(c.evalEvery)}
EARLY_STOP = ${py(c.earlyStop ?? null)}  # evaluations without a new best test NLL before stopping; None: off
SEED = ${py(c.seed)}
TRAIN_ON = ${py(c.trainOn)}  # "all-assistant" | "last-assistant" | "all" (used by --retokenize)
BEST_MIN_IMPROVEMENT = 1e-4  # a test NLL is a new best when lower by more than this (relative)

# ── The app's batch order: mulberry32, seeded per purpose, a Fisher-Yates shuffle per epoch ──────────────
M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def seeded_random(seed):
    state = seed & M32

    def rnd():
        nonlocal state
        state = (state + 0x6D2B79F5) & M32
        t = imul(state ^ (state >> 15), state | 1)
        t = t ^ ((t + imul(t ^ (t >> 7), t | 61)) & M32)
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return rnd


def mix(seed, salt):
    return (imul((seed ^ 0x9E3779B9) & M32, 0x85EBCA6B) + salt * 0xC2B2AE35) & M32


def permutation(n, seed):
    out = list(range(n))
    rnd = seeded_random(seed)
    for i in range(n - 1, 0, -1):
        j = math.floor(rnd() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def batch_indices(n, seed, cursor, size):
    """Training examples cursor…cursor+size-1 of the concatenated epochs (epoch e shuffled with its own seed)."""
    perms, out = {}, []
    for p in range(cursor, cursor + size):
        epoch = p // n
        if epoch not in perms:
            perms[epoch] = permutation(n, mix(seed, 1000 + epoch))
        out.append(perms[epoch][p % n])
    return out


# ── Data ─────────────────────────────────────────────────────────────────────────────────────────────
def read_datums(path):
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        if header.get("format") != DATUMS_FORMAT:
            raise SystemExit(f"{path} is not a TuFT Studio datums file ({DATUMS_FORMAT})")
        records = [json.loads(line) for line in f if line.strip()]
    return header, records


def retokenizer():
    """The app's mask rule with transformers: one rendering, weight 1 on weighted content + its end-of-turn token."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(TOKENIZER)
    terminators = sorted(
        {tok.eos_token}
        | {t for t in tok.all_special_tokens if any(k in t.lower() for k in ("end", "eot", "eos")) or t == "</s>"},
        key=len,
        reverse=True,
    )

    def terminator_end(text, pos):
        while pos < len(text) and text[pos] in " \\n\\r\\t":
            pos += 1
        for t in terminators:
            if t and text.startswith(t, pos):
                return pos + len(t)
        return -1

    def locate_contents(text, messages):
        spans, cursor = [], 0
        for m in messages:
            found, content = None, m["content"]
            for needle in ([content] if content.strip() == content else [content, content.strip()]):
                if not needle:
                    continue
                first, at = -1, text.find(needle, cursor)
                while at >= 0:
                    if first < 0:
                        first = at
                    if terminator_end(text, at + len(needle)) >= 0:
                        first = at
                        break
                    at = text.find(needle, at + 1)
                if first >= 0:
                    found = (first, first + len(needle))
                    break
            spans.append(found)
            if found:
                cursor = found[1]
        return spans

    def build(messages):
        if TRAIN_ON == "all":
            targets = list(range(len(messages)))
        else:
            targets = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
            if TRAIN_ON == "last-assistant":
                targets = targets[-1:]
        if not targets:
            return None
        text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=False)
        spans = locate_contents(text, messages)
        bounds = []
        for i in targets:
            if spans[i] is None:
                return None
            close = terminator_end(text, spans[i][1])
            bounds.append((spans[i][0], close if close >= 0 else spans[i][1]))
        enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
        tokens = enc["input_ids"][:MAX_LENGTH]
        weights = [1.0 if any(s < hi and e > lo for lo, hi in bounds) else 0.0 for s, e in enc["offset_mapping"]][:MAX_LENGTH]
        if len(tokens) < 2 or sum(weights[1:]) == 0:
            return None
        return tokens, weights[1:]

    return build


def to_datum(types, tokens, weights):
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": [float(w) for w in weights]},
    )


def values(x):
    """TensorData, numpy array or list -> list of floats."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if hasattr(x, "data"):
        return list(x.data)
    return list(x)


def masked_loss(loss_fn_outputs, datums):
    """The guide's masked NLL parts: sum(-logprob * w) and sum(w) over the batch."""
    loss, w = 0.0, 0.0
    for out, d in zip(loss_fn_outputs, datums):
        for lp, wt in zip(values(out["logprobs"]), values(d.loss_fn_inputs["weights"])):
            if wt:
                loss += -lp * wt
                w += wt
    return loss, w


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    ap.add_argument("--datums", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), DATUMS_FILE))
    ap.add_argument("--retokenize", action="store_true")
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args()

    import tinker
    from tinker import types

    if not os.path.exists(args.datums):
        raise SystemExit(f"{args.datums} not found: export the datums with the script (TuFT Studio run page, or npm run sft -- --export-script DIR)")
    header, records = read_datums(args.datums)
    pairs = {"train": [], "eval": []}
    if args.retokenize:
        build = retokenizer()
        for r in records:
            built = build(r["messages"])
            if built is not None:
                pairs[r["set"]].append(built)
        kept = {k: len(v) for k, v in pairs.items()}
        print(f"retokenized: {kept['train']} train and {kept['eval']} eval examples (the app had {header['train']} and {header['eval']})")
    else:
        for r in records:
            pairs[r["set"]].append((r["tokens"], r["weights"]))
    train = [to_datum(types, t, w) for t, w in pairs["train"]]
    eval_set = [to_datum(types, t, w) for t, w in pairs["eval"]]
    print(f"train examples: {len(train)}, eval examples: {len(eval_set)}", flush=True)

    service = tinker.ServiceClient(base_url=BASE_URL)  # reads TINKER_API_KEY
    client = service.create_lora_training_client(
        base_model=BASE_MODEL, rank=LORA_RANK, train_mlp=TRAIN_MLP, train_attn=TRAIN_ATTN, train_unembed=TRAIN_UNEMBED
    )
    adam = types.AdamParams(learning_rate=LEARNING_RATE, **ADAM)
    series = {"train_nll": [], "test_nll": []}
    best = {"step": None, "test_nll": None, "since": 0}

    def evaluate(step):
        chunks = [eval_set[i:i + BATCH_SIZE] for i in range(0, len(eval_set), BATCH_SIZE)]
        futures = [client.forward(chunk, "cross_entropy") for chunk in chunks]
        loss = w = 0.0
        for chunk, fut in zip(chunks, futures):
            l, ww = masked_loss(fut.result().loss_fn_outputs, chunk)
            loss, w = loss + l, w + ww
        nll = loss / max(w, 1.0)
        series["test_nll"].append([step, nll])
        print(f"step {step}: test NLL {nll:.6f}", flush=True)
        if math.isfinite(nll) and (best["test_nll"] is None or nll < best["test_nll"] - abs(best["test_nll"]) * BEST_MIN_IMPROVEMENT):
            best.update(step=step, test_nll=nll, since=0)
            return True
        best["since"] += 1
        return False

    def report(step, batch, fwdbwd, optim):
        loss, w = masked_loss(fwdbwd.result().loss_fn_outputs, batch)
        optim.result()
        nll = loss / max(w, 1.0)
        series["train_nll"].append([step, nll])
        print(f"step {step}: train NLL {nll:.6f} ({int(w)} weighted tokens)", flush=True)
        if not math.isfinite(nll):
            raise SystemExit(f"loss diverged at step {step}")

    evaluating = bool(eval_set) and EVAL_EVERY > 0
    if evaluating:
        evaluate(0)
    pending, step = None, 0  # step k+1 is sent before step k's results are read
    for step in range(1, args.steps + 1):
        batch = [train[i] for i in batch_indices(len(train), SEED, (step - 1) * BATCH_SIZE, BATCH_SIZE)]
        fwdbwd = client.forward_backward(batch, "cross_entropy")
        optim = client.optim_step(adam)
        if pending is not None:
            report(*pending)
        pending = (step, batch, fwdbwd, optim)
        if evaluating and (step % EVAL_EVERY == 0 or step == args.steps):
            report(*pending)
            pending = None
            if evaluate(step) and step < args.steps:
                print("best so far:", client.save_weights_for_sampler(f"best-{step:06d}").result().path, flush=True)
            if EARLY_STOP is not None and best["since"] >= EARLY_STOP and step < args.steps:
                print(f"stopped early at step {step}: best test NLL {best['test_nll']:.6f} at step {best['step']}")
                break
    if pending is not None:
        report(*pending)
    print("state:", client.save_state(f"step-{step:06d}").result().path)
    print("sampler weights:", client.save_weights_for_sampler(f"sampler-{step:06d}").result().path)
    if best["step"] is not None:
        print(f"best test NLL {best['test_nll']:.6f} at step {best['step']}")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(series, f)


if __name__ == "__main__":
    sys.exit(main())
`
}

/**
 * The datums file the script reads: a header line (format, run, counts), then one line per example — `set`
 * ("train" in training-pool order, then "eval" in eval order), its dataset `split` and `row`, the normalized
 * `messages`, `tokens` (model input followed by the last target: `model_input = tokens[:-1]`,
 * `target_tokens = tokens[1:]`) and `weights` (one per target token).
 */
export function datumsJsonl(run: Pick<RunDetailDto, 'id' | 'name' | 'baseModel' | 'tokenizerId'>, examples: { train: RunExample[]; eval: RunExample[] }, messagesOf: (e: RunExample) => unknown): string {
  const header = { format: DATUMS_FORMAT, run_id: run.id, run_name: run.name, base_model: run.baseModel, tokenizer: run.tokenizerId, train: examples.train.length, eval: examples.eval.length }
  const lines = [JSON.stringify(header)]
  const line = (set: 'train' | 'eval', e: RunExample): string => {
    const d = e.datum
    // A datum is one token sequence shifted by one; the file keeps that sequence once.
    for (let i = 1; i < d.model_input.length; i++)
      if (d.model_input[i] !== d.target_tokens[i - 1]) throw new StudioError('internal', `Datum of row ${e.row} is not a shifted token sequence.`)
    const tokens = [...d.model_input, d.target_tokens[d.target_tokens.length - 1]]
    return JSON.stringify({ set, split: e.split, row: e.row, messages: messagesOf(e), tokens, weights: d.weights })
  }
  for (const e of examples.train) lines.push(line('train', e))
  for (const e of examples.eval) lines.push(line('eval', e))
  return lines.join('\n') + '\n'
}

export type ExportKind = 'csv' | 'config' | 'python' | 'datums'

/**
 * One export of a run. `target` picks the weights an export stands for: 'final' (the run as it ran) or 'best'
 * (the steps up to the best test NLL: the config and script then train exactly that far).
 */
export async function exportRun(db: Db, runId: string, kind: ExportKind, target: CheckpointTarget = 'final'): Promise<RunExportDto> {
  const d = getRunDetail(db, runId)
  const best = target === 'best'
  const bestStep = d.judgement.best?.step ?? null
  const steps = target === 'best' && bestStep ? bestStep : d.totalSteps
  if (kind === 'csv') return { filename: exportFileName(d.name, 'metrics', 'csv'), mime: 'text/csv', content: metricsCsv(db, runId) }
  if (kind === 'config') return { filename: exportFileName(d.name, best ? 'best-config' : 'config', 'json'), mime: 'application/json', content: configJson({ ...d.config, steps }) }
  if (kind === 'python')
    return {
      filename: exportFileName(d.name, best ? 'best-train' : 'train', 'py'),
      mime: 'text/x-python',
      content: pythonScript({
        runId: d.id,
        runName: d.name,
        serverUrl: d.serverUrl,
        baseModel: d.baseModel,
        tokenizer: d.tokenizerId ?? d.baseModel,
        config: d.config,
        steps,
        target,
        bestStep,
        datumsFile: exportFileName(d.name, 'datums', 'jsonl'),
      }),
    }
  const examples = await runExamples(db, d)
  const conv = conversationsOf(db, d.config.dataset.name)
  return { filename: exportFileName(d.name, 'datums', 'jsonl'), mime: 'application/x-ndjson', content: datumsJsonl(d, examples, (e) => conv(e.split, e.row).messages) }
}
