import type { Db } from '../store'
import { getDataset } from '../datasets'
import type { RunConfig, RunExportDto } from '../../../shared/runs'
import { adamParamsOf } from '../../../shared/runs'
import { exportFileName } from '../../../shared/export-names'
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
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v)
  return JSON.stringify(v)
}

export type PythonScriptFacts = {
  runId: string
  runName: string
  serverUrl: string | null
  baseModel: string
  tokenizer: string
  /** A Hub dataset id (loaded with datasets.load_dataset) or a local JSONL/JSON/parquet path. */
  dataset: string
  datasetIsLocal: boolean
  config: RunConfig
  trainSplit: string
  totalSteps: number
}

/**
 * A standalone script that reproduces the run with the official tinker SDK: same data, same chat
 * template, the same exact assistant-only mask rule (one rendering, content spans + end-of-turn token,
 * offsets from the fast tokenizer), the guide's datum shift and masked NLL, the seeded held-out split,
 * the batch order (seeded shuffle per epoch, wrapping), the pipelined loop and periodic eval.
 * It never contains an API key: it reads TINKER_API_KEY.
 */
export function pythonScript(f: PythonScriptFacts): string {
  const c = f.config
  const adam = adamParamsOf(c)
  const evalSplit = c.dataset.evalSplit ?? null
  return `#!/usr/bin/env python3
"""Reproduce TuFT Studio run ${JSON.stringify(f.runName)} (${f.runId}) with the official tinker SDK.

    pip install "tinker>=0.25,<0.26" datasets transformers
    export TINKER_API_KEY=...            # never stored in this file
    export TINKER_BASE_URL=${f.serverUrl ?? 'http://127.0.0.1:10610'}
    # Behind a firewall, reach the Hugging Face Hub through a mirror BEFORE running:
    #   export HF_ENDPOINT=https://hf-mirror.com
    python3 this_script.py

Batches and the held-out split use Python's own seeded shuffle, so the exact examples per step differ
from the app's; the masking rule, datum layout, loss, optimizer settings and schedule are the same.
"""
import math
import os
import random

from datasets import load_dataset
from transformers import AutoTokenizer
import tinker
from tinker import types

BASE_URL = os.environ.get("TINKER_BASE_URL", ${py(f.serverUrl ?? 'http://127.0.0.1:10610')})
BASE_MODEL = ${py(f.baseModel)}
TOKENIZER = ${py(f.tokenizer)}
DATASET = ${py(f.dataset)}
DATASET_IS_LOCAL = ${py(f.datasetIsLocal)}
TRAIN_SPLIT = ${py(f.trainSplit)}
EVAL_SPLIT = ${py(evalSplit)}  # None: "test" when the dataset has it, else a held-out slice
LORA_RANK = ${py(c.rank)}
TRAIN_MLP, TRAIN_ATTN, TRAIN_UNEMBED = ${py(c.trainMlp)}, ${py(c.trainAttn)}, ${py(c.trainUnembed)}
LEARNING_RATE = ${py(adam.learning_rate)}
ADAM = dict(beta1=${py(adam.beta1)}, beta2=${py(adam.beta2)}, eps=${py(adam.eps)}, weight_decay=${py(adam.weight_decay)}, grad_clip_norm=${py(adam.grad_clip_norm)})
BATCH_SIZE = ${py(c.batchSize)}
MAX_LENGTH = ${py(c.maxLength)}
STEPS = ${py(f.totalSteps)}
EVAL_EVERY = ${py(c.evalEvery)}
EVAL_SET_SIZE = ${py(c.evalSetSize)}
CHECKPOINT_EVERY = ${py(c.checkpointEvery)}
SEED = ${py(c.seed)}
TRAIN_ON = ${py(c.trainOn)}  # "all-assistant" | "last-assistant" | "all"
HELDOUT_FRACTION, HELDOUT_MAX = 0.05, 500


def load_split(split):
    if DATASET_IS_LOCAL:
        fmt = "parquet" if DATASET.endswith(".parquet") else "json"
        ds = load_dataset(fmt, data_files={split: DATASET})
    else:
        ds = load_dataset(DATASET)
    if split not in ds:
        return None
    return [row["messages"] for row in ds[split]]


tokenizer = AutoTokenizer.from_pretrained(TOKENIZER)
TERMINATORS = sorted(
    {tokenizer.eos_token}
    | {t for t in tokenizer.all_special_tokens if any(k in t.lower() for k in ("end", "eot", "eos")) or t == "</s>"},
    key=len,
    reverse=True,
)


def terminator_end(text, pos):
    while pos < len(text) and text[pos] in " \\n\\r\\t":
        pos += 1
    for t in TERMINATORS:
        if t and text.startswith(t, pos):
            return pos + len(t)
    return -1


def locate_contents(text, messages):
    """Each message's content in the rendered text, by ordered search (first match closed by a terminator)."""
    spans, cursor = [], 0
    for m in messages:
        found = None
        content = m["content"]
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


def build_datum(messages):
    """One rendering of the whole conversation; weight 1 on weighted message content + its end-of-turn token."""
    if TRAIN_ON == "all":
        targets = list(range(len(messages)))
    else:
        targets = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
        if TRAIN_ON == "last-assistant":
            targets = targets[-1:]
    if not targets:
        return None
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=False)
    spans = locate_contents(text, messages)
    bounds = []
    for i in targets:
        if spans[i] is None:
            return None  # the template rewrites this message: no exact mask possible
        close = terminator_end(text, spans[i][1])
        bounds.append((spans[i][0], close if close >= 0 else spans[i][1]))
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    tokens = enc["input_ids"]
    weights = [1.0 if any(s < hi and e > lo for lo, hi in bounds) else 0.0 for s, e in enc["offset_mapping"]]
    tokens, weights = tokens[:MAX_LENGTH], weights[:MAX_LENGTH]
    if len(tokens) < 2 or sum(weights[1:]) == 0:
        return None
    return types.Datum(
        model_input=types.ModelInput.from_ints(tokens[:-1]),
        loss_fn_inputs={"target_tokens": tokens[1:], "weights": weights[1:]},
    )


def as_list(x):
    """TensorData, numpy array or list -> list of floats."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if hasattr(x, "data"):
        return list(x.data)
    return list(x)


def masked_nll(loss_fn_outputs, datums):
    """The guide's masked NLL: sum(-logprob * w) / sum(w) over the batch."""
    total_loss, total_w = 0.0, 0.0
    for out, d in zip(loss_fn_outputs, datums):
        for lp, w in zip(as_list(out["logprobs"]), as_list(d.loss_fn_inputs["weights"])):
            total_loss += -lp * w
            total_w += w
    return total_loss / max(total_w, 1.0), total_loss, total_w


def main():
    rng = random.Random(SEED)
    train = [d for d in (build_datum(m) for m in load_split(TRAIN_SPLIT)) if d is not None]
    eval_split = EVAL_SPLIT or ("test" if TRAIN_SPLIT != "test" else None)
    eval_rows = load_split(eval_split) if eval_split and EVAL_SET_SIZE > 0 else None
    if eval_rows is not None:
        eval_set = [d for d in (build_datum(m) for m in eval_rows) if d is not None]
        rng.shuffle(eval_set)
        eval_set = eval_set[:EVAL_SET_SIZE]
    elif EVAL_SET_SIZE > 0:
        k = min(HELDOUT_MAX, max(1, round(len(train) * HELDOUT_FRACTION))) if len(train) >= 2 else 0
        order = list(range(len(train)))
        rng.shuffle(order)
        held = set(order[:k])
        eval_set = [train[i] for i in order[:min(k, EVAL_SET_SIZE)]]
        train = [d for i, d in enumerate(train) if i not in held]
    else:
        eval_set = []
    print(f"train examples: {len(train)}, eval examples: {len(eval_set)}")

    service = tinker.ServiceClient(base_url=BASE_URL)  # reads TINKER_API_KEY
    client = service.create_lora_training_client(
        base_model=BASE_MODEL, rank=LORA_RANK, train_mlp=TRAIN_MLP, train_attn=TRAIN_ATTN, train_unembed=TRAIN_UNEMBED
    )
    adam = types.AdamParams(learning_rate=LEARNING_RATE, **ADAM)

    def evaluate(step):
        futures = [client.forward(eval_set[i:i + BATCH_SIZE], loss_fn="cross_entropy") for i in range(0, len(eval_set), BATCH_SIZE)]
        loss = w = 0.0
        for i, fut in zip(range(0, len(eval_set), BATCH_SIZE), futures):
            _, l, ww = masked_nll(fut.result().loss_fn_outputs, eval_set[i:i + BATCH_SIZE])
            loss, w = loss + l, w + ww
        print(f"step {step}: test NLL {loss / max(w, 1.0):.4f}")

    order, epoch, cursor = [], -1, 0

    def next_batch():
        nonlocal order, epoch, cursor
        batch = []
        while len(batch) < BATCH_SIZE:
            if cursor % len(train) == 0 and cursor // len(train) != epoch:
                epoch = cursor // len(train)
                order = list(range(len(train)))
                random.Random(SEED * 1000003 + epoch).shuffle(order)
            batch.append(train[order[cursor % len(train)]])
            cursor += 1
        return batch

    if eval_set and EVAL_EVERY > 0:
        evaluate(0)
    pending = None  # pipelined: step k+1 is submitted before step k's results are read
    for step in range(1, STEPS + 1):
        batch = next_batch()
        fwdbwd = client.forward_backward(batch, loss_fn="cross_entropy")
        optim = client.optim_step(adam)
        if pending is not None:
            report(*pending)
        pending = (step, batch, fwdbwd, optim)
        if eval_set and EVAL_EVERY > 0 and (step % EVAL_EVERY == 0 or step == STEPS):
            report(*pending)
            pending = None
            evaluate(step)
        if CHECKPOINT_EVERY > 0 and step % CHECKPOINT_EVERY == 0 and step < STEPS:
            print("saved", client.save_state(f"step-{step:06d}").result().path)
    if pending is not None:
        report(*pending)
    print("state:", client.save_state(f"step-{STEPS:06d}").result().path)
    print("sampler weights:", client.save_weights_for_sampler(f"sampler-{STEPS:06d}").result().path)


def report(step, batch, fwdbwd, optim):
    nll, _, w = masked_nll(fwdbwd.result().loss_fn_outputs, batch)
    optim.result()
    if not math.isfinite(nll):
        raise SystemExit(f"loss diverged at step {step}")
    print(f"step {step}: train NLL {nll:.4f} ({int(w)} weighted tokens)")


if __name__ == "__main__":
    main()
`
}

export function exportRun(db: Db, runId: string, kind: 'csv' | 'config' | 'python', facts?: { dataset?: string; datasetIsLocal?: boolean }): RunExportDto {
  const d = getRunDetail(db, runId)
  if (kind === 'csv') return { filename: exportFileName(d.name, 'metrics', 'csv'), mime: 'text/csv', content: metricsCsv(db, runId) }
  if (kind === 'config') return { filename: exportFileName(d.name, 'config', 'json'), mime: 'application/json', content: configJson(d.config) }
  return {
    filename: exportFileName(d.name, 'train', 'py'),
    mime: 'text/x-python',
    content: pythonScript({
      runId: d.id,
      runName: d.name,
      serverUrl: d.serverUrl,
      baseModel: d.baseModel,
      tokenizer: d.tokenizerId ?? d.baseModel,
      ...datasetSource(db, d.config.dataset.name, facts),
      config: d.config,
      trainSplit: d.data?.trainSplit ?? d.config.dataset.split ?? 'train',
      totalSteps: d.totalSteps,
    }),
  }
}

/** Where the script loads the data from: the dataset's provenance (hub repo or file), unless given. */
function datasetSource(
  db: Db,
  name: string,
  facts?: { dataset?: string; datasetIsLocal?: boolean },
): { dataset: string; datasetIsLocal: boolean } {
  if (facts?.dataset) return { dataset: facts.dataset, datasetIsLocal: facts.datasetIsLocal ?? false }
  const src = getDataset(db, name)?.source
  if (src?.kind === 'file') return { dataset: src.path, datasetIsLocal: true }
  if (src?.kind === 'hub') return { dataset: src.repo, datasetIsLocal: false }
  return { dataset: name, datasetIsLocal: false }
}
