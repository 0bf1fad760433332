import { describe, expect, it } from 'vitest'
import { englishWords } from '../../../../tests/helpers/english-prose'
import { i18nFor } from '../../../shared/i18n'
import { parseInput } from '../../../shared/contract'
import { fail } from '../../../shared/result'
import type { ModelFolderProblem } from '../../../shared/local-server'
import { modelFolderProblem, whatHappened } from './what-happened'

const zh = i18nFor('zh-CN')
const en = i18nFor('en')
const say = (b: typeof zh, ...a: Parameters<typeof fail>) => whatHappened(b.t, b.fmt, fail(...a))

describe('whatHappened', () => {
  it('words a hub failure from its URL and system error, and quotes the system’s own text', () => {
    const details = { url: 'https://huggingface.co/api/datasets/x/y', errno: 'ENETUNREACH', cause: 'fetch failed: connect ENETUNREACH' }
    const z = say(zh, 'hf-unreachable', 'Cannot reach https://huggingface.co/api/datasets/x/y (Network is unreachable): fetch failed', { details })
    expect(z).toEqual({ text: '无法连接 https://huggingface.co/api/datasets/x/y：网络不可达。', quote: { label: '原始报错：', text: details.cause, inline: false } })
    expect(englishWords(`${z?.text} ${z?.quote?.label}`)).toEqual([])
    expect(say(en, 'hf-timeout', 'Timed out', { details: { url: 'https://hf-mirror.com/x' } })).toEqual({ text: 'https://hf-mirror.com/x did not answer in time.', quote: null })
    expect(say(zh, 'hf-unreachable', 'HTTP 502', { details: { url: 'https://hf-mirror.com/x', status: 502 } })?.text).toBe('https://hf-mirror.com/x 返回了 HTTP 502。')
  })

  it('quotes a TuFT server’s reply after the status, leaving the title to say what it is', () => {
    const z = say(zh, 'server-oom', 'retrieve_future: The server ran out of memory (HTTP 422: CUDA out of memory)', { details: { status: 422, serverMessage: 'CUDA out of memory' } })
    expect(z).toEqual({ text: '', quote: { label: '服务器返回 HTTP 422：', text: 'CUDA out of memory', inline: true } })
  })

  it('words a dataset without usable rows by its reasons and first example, in the reader’s language', () => {
    const rejections = [{ reason: 'empty-content', count: 3, examples: [{ split: 'train', row: 2, excerpt: '{}', detail: 'turn 2 (assistant) is empty', fact: { kind: 'turn-empty', turn: 2, role: 'assistant' } }] }]
    const z = say(zh, 'dataset-no-usable-rows', 'No usable rows in chat: empty-content ×3', { details: { name: 'chat', rejections } })
    expect(z?.text).toBe('chat 中没有可用的行：某条用户或助手消息为空（3 行）。例如 train 第 2 行：第 2 轮（助手）内容为空。')
    expect(say(en, 'dataset-no-usable-rows', '…', { details: { name: 'chat', rejections } })?.text).toBe(
      'chat has no usable rows: A user or assistant turn is empty ×3. For example train, row 2: turn 2 (assistant) is empty.',
    )
  })

  it('words tokenizer failures from the folder, the files missing and the model id, quoting the loader’s own error', () => {
    const missing = say(zh, 'tokenizer-not-found', '/m has no tokenizer.json (a tokenizer folder needs both files)', { details: { dir: '/m', missing: ['tokenizer.json'] } })
    expect(missing).toEqual({ text: '/m 中缺少 tokenizer.json（分词器文件夹需要这两个文件）。', quote: null })
    expect(say(en, 'tokenizer-not-found', 'x', { details: { dir: '/m', missing: ['tokenizer.json', 'tokenizer_config.json'] } })?.text).toBe(
      '/m has no tokenizer.json or tokenizer_config.json (a tokenizer folder needs both files).',
    )
    const uploaded = say(zh, 'tokenizer-not-found', 'A tokenizer needs both', { details: { missing: ['tokenizer_config.json'] } })
    const notHub = say(zh, 'tokenizer-not-found', 'x', { details: { modelId: 'qwen3', notHubId: true, folderAllowed: false } })
    const builtin = say(zh, 'tokenizer-not-found', 'The built-in tokenizer files (resources/tokenizers) are missing', { details: { builtin: true } })
    const invalid = say(zh, 'tokenizer-invalid', 'Could not load the tokenizer in /m: Unexpected token } in JSON', { details: { dir: '/m', cause: 'Unexpected token } in JSON' } })
    expect(invalid).toEqual({ text: '无法加载 /m 中的分词器。', quote: { label: '原始报错：', text: 'Unexpected token } in JSON', inline: false } })
    const noTemplate = say(zh, 'chat-template-missing', 'The tokenizer in /m has no chat_template', { details: { dir: '/m' } })
    const noTemplateOfModel = say(zh, 'chat-template-missing', 'The tokenizer of Qwen/Qwen3-8B has no chat_template', { details: { modelId: 'Qwen/Qwen3-8B' } })
    const templateError = say(zh, 'chat-template-error', 'The chat template of Qwen/Qwen3-8B failed: x is undefined', { details: { modelId: 'Qwen/Qwen3-8B', cause: 'x is undefined' } })
    expect(templateError?.quote?.text).toBe('x is undefined')
    const crashed = say(zh, 'tokenizer-worker-crashed', 'Tokenizer threads crashed 3 times (last: out of memory)', { details: { crashes: 3, crash: 'repeated', cause: 'out of memory' } })
    expect(crashed).toEqual({ text: '分词线程已崩溃 3 次，分词已停止。', quote: { label: '原始报错：', text: 'out of memory', inline: false } })
    const encoder = say(zh, 'tokenizer-worker-crashed', 'The tokenizer’s encoder thread stopped: it exited', { details: { crash: 'encoder' } })
    const start = say(zh, 'tokenizer-worker-crashed', 'A tokenizer thread could not start: x', { details: { crash: 'start', cause: 'x' } })
    for (const w of [uploaded, notHub, builtin, invalid, noTemplate, noTemplateOfModel, templateError, crashed, encoder, start]) {
      expect(w?.text).toMatch(/[\u4e00-\u9fff]/)
      expect(englishWords(`${w?.text} ${w?.quote?.label ?? ''}`, ['chat_template', 'owner', 'name'])).toEqual([])
    }
    expect(noTemplateOfModel?.text).toBe('Qwen/Qwen3-8B 的分词器在 tokenizer_config.json 中没有 chat_template。')
  })

  it('words the local TuFT server’s start failures from port, exit and timeout facts (the screen shows the line TuFT printed)', () => {
    const exited = say(zh, 'local-server-gpu-oom', 'TuFT exited with code 1 before it answered: torch.OutOfMemoryError: CUDA out of memory', {
      details: { startup: 'exited', exitCode: 1, signal: null, line: 'torch.OutOfMemoryError: CUDA out of memory', port: 10610 },
    })
    expect(exited).toEqual({ text: 'TuFT 在响应之前退出了，退出码 1。', quote: null })
    expect(say(en, 'local-server-exited', 'x', { details: { startup: 'exited', exitCode: null, signal: 'SIGKILL', line: null } })).toEqual({ text: 'TuFT was killed by SIGKILL before it answered.', quote: null })
    const cases = [
      say(zh, 'local-server-port-taken', 'Port 10610 on 127.0.0.1 is already in use', { details: { port: 10610, host: '127.0.0.1', answersLikeTuft: true } }),
      say(zh, 'invalid-input', 'Port 80 needs administrator rights', { details: { port: 80, host: '127.0.0.1', privileged: true } }),
      say(zh, 'local-server-start-timeout', 'TuFT did not answer', { details: { startup: 'timeout', url: 'http://127.0.0.1:10610/api/v1/healthz', seconds: 600 } }),
      say(zh, 'local-server-bad-config', 'TuFT reported a fatal error', { details: { startup: 'fatal', line: 'ValueError: bad yaml' } }),
      say(zh, 'cancelled', 'Cancelled while TuFT was starting', { details: { startup: 'cancelled', line: null } }),
      say(zh, 'local-server-already-running', 'A local TuFT server is already running', { details: { url: 'http://127.0.0.1:10610', pid: 42 } }),
      say(zh, 'local-server-already-running', 'A local TuFT server is already starting.'),
      say(zh, 'local-server-not-running', 'No local TuFT server is running.'),
      say(zh, 'tuft-not-installed', 'No tuft executable on PATH', { details: { tried: ['tuft on PATH', 'python3 -m tuft', 'python -m tuft'] } }),
      say(zh, 'tuft-not-installed', 'TUFT_BIN is set to /opt/tuft', { details: { tried: ['TUFT_BIN=/opt/tuft'] } }),
      say(zh, 'tuft-not-installed', 'Could not run /usr/bin/tuft: spawn EACCES', { details: { command: ['/usr/bin/tuft', 'launch'], cause: 'spawn EACCES' } }),
    ]
    expect(cases[0]?.text).toBe('127.0.0.1 上的端口 10610 已被占用，占用它的服务器看起来就是 TuFT。')
    expect(cases[9]?.text).toBe('TUFT_BIN 设置为 /opt/tuft，但它不是可执行文件。')
    for (const w of cases) {
      expect(w?.text).toMatch(/[\u4e00-\u9fff]/)
      expect(englishWords(`${w?.text} ${w?.quote?.label ?? ''}`, ['PID'])).toEqual([])
    }
  })

  it('words name clashes and a file of the wrong kind from their facts', () => {
    expect(say(zh, 'run-name-taken', 'Another run is already called "lr-3e-4".', { details: { name: 'lr-3e-4' } })?.text).toBe('已有另一个训练运行叫“lr-3e-4”。')
    expect(say(en, 'run-name-taken', 'x', { details: { name: 'a' } })?.text).toBe('Another run is already called “a”.')
    const clash = say(zh, 'invalid-input', 'A dataset named "chat" already exists from hub x/y', { details: { nameTaken: { name: 'chat-sft', sourceKind: 'hub', source: 'x/y' } } })
    expect(clash?.text).toBe('已有名为“chat-sft”的数据集（来自 Hub 上的 x/y）；请换一个名称，或先删除它。')
    const wrongFile = say(zh, 'invalid-input', '"a.txt" is not a .jsonl, .json file', { details: { wanted: ['jsonl', 'json', 'parquet'], name: 'a.txt' } })
    expect(wrongFile?.text).toBe('a.txt 不是 .jsonl、.json、.parquet 文件。')
    const wrongName = say(en, 'invalid-input', 'x', { details: { wanted: ['tokenizer.json', 'tokenizer_config.json'], wantedNames: true, name: 'vocab.txt' } })
    expect(wrongName?.text).toBe('vocab.txt is not a tokenizer.json, tokenizer_config.json file.')
    for (const w of [clash, wrongFile]) expect(englishWords(w?.text ?? '')).toEqual([])
  })

  it('words every problem of a model folder and of the server’s configuration from its kind and facts', () => {
    const folder = '/models/qwen'
    const problems: ModelFolderProblem[] = [
      { kind: 'not-a-folder', message: 'x', folder },
      { kind: 'missing-config', file: 'config.json', message: 'x', folder },
      { kind: 'bad-config', file: 'config.json', message: 'x', folder, fact: { is: 'not-json' } },
      { kind: 'bad-config', file: 'config.json', message: 'x', folder, fact: { is: 'not-object' } },
      { kind: 'missing-tokenizer', file: 'tokenizer.json', message: 'x', folder },
      { kind: 'missing-tokenizer-config', file: 'tokenizer_config.json', message: 'x', folder, fact: { is: 'not-json' } },
      { kind: 'no-weights', message: 'x', folder, fact: { is: 'bin-only' } },
      { kind: 'no-weights', message: 'x', folder },
      { kind: 'bad-weights', file: 'model.safetensors.index.json', message: 'x', folder, fact: { is: 'bad-shard-name' } },
      { kind: 'bad-weights', file: 'model-00001-of-00002.safetensors', message: 'x is 3 bytes long, too short for a safetensors header', folder, fact: { is: 'bad-header' } },
      { kind: 'missing-shard', file: 'model-00002-of-00002.safetensors', message: 'x', folder },
      { kind: 'bad-config', message: 'x', fact: { is: 'duplicate-name', name: 'Qwen3-4B' } },
      { kind: 'bad-config', message: 'x', fact: { is: 'colocate-several-models' } },
      { kind: 'bad-config', message: 'x', fact: { is: 'colocate-tensor-parallel' } },
      { kind: 'bad-config', message: 'x', fact: { is: 'max-model-len-too-long', name: 'Qwen3-4B', maxModelLen: 65536, context: 40960 } },
    ]
    for (const p of problems) {
      const text = modelFolderProblem(zh.t, p, true)
      expect(text).toMatch(/[\u4e00-\u9fff]/)
      expect(englishWords(text, ['pytorch_model', 'safetensors', 'colocate', 'tensor_parallel_size', 'max_model_len', 'instruct', 'transformers'])).toEqual([])
    }
    expect(modelFolderProblem(zh.t, problems[4], true)).toBe('/models/qwen：缺少 tokenizer.json。')
    expect(modelFolderProblem(zh.t, problems[14])).toBe('Qwen3-4B：max_model_len 65,536 超过了模型自身的上下文长度（40,960）。')
    // An English screen keeps main's exact fault of a safetensors header.
    expect(modelFolderProblem(en.t, { ...problems[9], message: `${folder}: ${problems[9].message}` }, true)).toBe(`${folder}: x is 3 bytes long, too short for a safetensors header`)
    const z = say(zh, 'model-folder-invalid', '/models/qwen: tokenizer.json is missing.', { details: { problems: [problems[4], problems[7]] } })
    expect(z?.text).toBe('/models/qwen：缺少 tokenizer.json。 /models/qwen：文件夹中没有 *.safetensors 权重文件。')
  })

  it('words data files, stored datasets and what a server cannot serve from the facts main sends', () => {
    const cases = [
      say(zh, 'dataset-file-unreadable', 'No such file: /d/a.jsonl', { details: { file: '/d/a.jsonl', why: 'missing' } }),
      say(zh, 'dataset-file-unreadable', 'Cannot read /d/a.jsonl: EACCES: permission denied', { details: { file: '/d/a.jsonl', why: 'unreadable', cause: 'EACCES: permission denied' } }),
      say(zh, 'dataset-file-unreadable', '/d/a.jsonl is empty (0 bytes)', { details: { file: '/d/a.jsonl', why: 'empty' } }),
      say(zh, 'dataset-file-unreadable', '/d holds no .jsonl files', { details: { file: '/d', why: 'no-data-files' } }),
      say(zh, 'dataset-file-unreadable', 'No such folder: /d', { details: { file: '/d', why: 'no-folder' } }),
      say(zh, 'dataset-file-unreadable', 'a.json is not valid JSON: Unexpected end', { details: { file: '/d/a.json', why: 'not-json', cause: 'Unexpected end' } }),
      say(zh, 'dataset-file-unreadable', 'The bundled sample dataset is missing', { details: { why: 'bundled-missing' } }),
      say(zh, 'dataset-not-a-file', '/d is a folder, not a data file', { details: { file: '/d', is: 'folder' } }),
      say(zh, 'dataset-not-a-file', '/d/a.jsonl is not a folder', { details: { file: '/d/a.jsonl', is: 'not-a-folder' } }),
      say(zh, 'file-grant-expired', 'The chosen file is no longer available; choose it again', { details: { purpose: 'dataset-file' } }),
      say(zh, 'dataset-not-cached', 'No dataset named "chat-sft" in the local store', { details: { name: 'chat-sft' } }),
      say(zh, 'dataset-not-cached', 'The tokenized data was deleted', { details: { set: 3 } }),
      say(zh, 'not-found', 'Dataset "chat-sft" has no split "dev"', { details: { name: 'chat-sft', split: 'dev' } }),
      say(zh, 'unknown-model', 'The server does not serve x', { details: { model: 'Qwen/Qwen3-8B', served: ['Qwen/Qwen3-4B', 'Qwen/Qwen3-32B'] } }),
      say(zh, 'unknown-model', 'The server lists no supported models.', { details: { served: [] } }),
      say(zh, 'rank-exceeds-server-max', 'LoRA rank 64 exceeds', { details: { rank: 64, maxRank: 32, model: 'Qwen/Qwen3-4B' } }),
      say(zh, 'invalid-input', 'Max length 65536 exceeds', { details: { maxLength: 65536, maxContext: 40960 } }),
      say(zh, 'sandbox-port-taken', 'The local sandbox cannot listen', { details: { port: 8080, privileged: false } }),
      say(zh, 'run-not-resumable', 'Run r1 is completed; only interrupted…', { details: { status: 'completed' } }),
    ]
    expect(cases[1]).toEqual({ text: '无法读取 /d/a.jsonl。', quote: { label: '原始报错：', text: 'EACCES: permission denied', inline: false } })
    expect(cases[5]).toEqual({ text: 'a.json 不是有效的 JSON。', quote: { label: '原始报错：', text: 'Unexpected end', inline: false } })
    expect(cases[13]?.text).toBe('服务器不提供 Qwen/Qwen3-8B（它提供的是 Qwen/Qwen3-4B、Qwen/Qwen3-32B）。')
    expect(cases[15]?.text).toBe('LoRA 秩 64 超过了服务器为 Qwen/Qwen3-4B 允许的上限 32。')
    for (const w of cases) {
      expect(w?.text).toMatch(/[\u4e00-\u9fff]/)
      expect(englishWords(`${w?.text} ${w?.quote?.label ?? ''}`, ['jsonl', 'json', 'dev'])).toEqual([])
    }
    expect(say(en, 'dataset-not-a-file', 'x', { details: { file: '/d', is: 'pipe' } })?.text).toBe('/d is a pipe, not a data file.')
    expect(say(en, 'run-not-resumable', 'x', { details: { status: 'running' } })?.text).toBe('This run is running; only interrupted, failed, stopped or paused runs can be resumed.')
  })

  it('words splits a dataset lacks, a split with nothing to learn and a run that cannot be controlled now', () => {
    const cases = [
      say(zh, 'not-found', 'Dataset "chat-sft" has no split "dev" (it has train, test)', { details: { name: 'chat-sft', split: 'dev', splits: ['train', 'test'] } }),
      say(zh, 'invalid-input', 'Dataset chat-sft has no split dev for evaluation', { details: { name: 'chat-sft', split: 'dev', splits: ['train'] } }),
      say(zh, 'dataset-no-usable-rows', 'Dataset "chat-sft" has no splits', { details: { name: 'chat-sft', splits: [] } }),
      say(zh, 'dataset-no-usable-rows', 'No conversation of chat-sft/train has a weighted target token at max length 512.', {
        details: { name: 'chat-sft', split: 'train', maxLength: 512, noTargetTokens: true },
      }),
      say(zh, 'invalid-input', 'Run "r-1" is completed, so it cannot be paused now.', { details: { status: 'completed', name: 'r-1', action: 'paused' } }),
    ]
    expect(cases[0]?.text).toBe('数据集“chat-sft”中没有划分“dev”（现有划分：train、test）。')
    expect(cases[4]?.text).toBe('训练运行“r-1”当前状态为“已完成”，现在无法暂停。')
    for (const w of cases) {
      expect(w?.text).toMatch(/[\u4e00-\u9fff]/)
      expect(englishWords(w?.text ?? '', ['dev'])).toEqual([])
    }
    expect(say(en, 'not-found', 'x', { details: { name: 'd', split: 'dev', splits: ['train'] } })?.text).toBe('Dataset “d” has no split “dev” (it has train).')
  })

  it('words each fixed sentence main names by its key, with the run’s name or the path it needs', () => {
    const keys = Object.keys(zh.t.hint.says)
    expect(keys.length).toBeGreaterThan(10)
    for (const says of keys) {
      const w = say(zh, 'invalid-input', 'main’s English', { details: { says, name: 'lr-3e-4', path: 'tinker://run/sampler_weights/000040', status: 502 } })
      expect(w?.text).toMatch(/[\u4e00-\u9fff]/)
      expect(englishWords(w?.text ?? '')).toEqual([])
    }
    expect(say(zh, 'not-found', 'x', { details: { says: 'no-sampler-checkpoint', name: 'r-1', path: 'tinker://a/b' } })?.text).toBe('训练运行“r-1”没有采样检查点 tinker://a/b。')
    expect(say(en, 'invalid-input', 'x', { details: { says: 'choose-a-run' } })?.text).toBe('Choose at least one run.')
    expect(say(zh, 'server-error', 'Downloading the checkpoint archive failed (HTTP 404).', { details: { says: 'archive-download-failed', status: 404 } })?.text).toBe('下载检查点压缩包失败（HTTP 404）。')
    expect(say(zh, 'invalid-input', 'x', { details: { says: 'no-such-key' } })).toBeNull()
    expect(say(zh, 'cancelled', 'The upload of a.jsonl did not complete', { details: { file: 'a.jsonl' } })?.text).toBe('a.jsonl 没有上传完成。')
    expect(say(zh, 'cancelled', 'Import cancelled')?.text).toBe('已取消。')
    expect(say(en, 'cancelled', 'Import cancelled')).toBeNull()
    expect(say(zh, 'run-interrupted', 'The runner stopped while this run was training.', { details: { says: 'runner-stopped' } })?.text).toBe('这个训练运行在训练过程中，运行它的进程停止了。')
    const diverged = say(zh, 'loss-diverged', 'Train NLL became 9.120 at step 40 (started at 2.310).', { details: { step: 40, trainNll: 9.12, reference: 2.31 } })
    expect(diverged?.text).toBe('第 40 步的训练 NLL 升到了 9.120（开始时为 2.310）。')
    expect(say(zh, 'loss-diverged', 'Train NLL became NaN at step 3.', { details: { step: 3, trainNll: null, reference: null } })?.text).toBe('第 3 步的训练 NLL 变成了 NaN（不再是有限值）。')
    expect(say(en, 'loss-diverged', 'x', { details: { step: 40, trainNll: 9.12, reference: 2.31 } })?.text).toBe('Train NLL became 9.120 at step 40 (started at 2.310).')
  })

  it('names the fields of a request the contract refused, in Chinese; English keeps the validator’s own message', () => {
    const r = parseInput('datasetImport', { opId: 'a', source: { kind: 'hub', repo: 'not a repo', split: '../x' } })
    expect(r.ok).toBe(false)
    if (r.ok) return
    const z = whatHappened(zh.t, zh.fmt, r)
    expect(z?.text).toBe('以下字段的取值不符合要求：source.repo、source.split。')
    expect(whatHappened(en.t, en.fmt, r)).toBeNull()
  })

  it('leaves failures it has no facts for to main’s message', () => {
    expect(say(zh, 'internal', 'boom')).toBeNull()
    expect(say(zh, 'hf-unreachable', 'no url')).toBeNull()
    expect(say(zh, 'dataset-no-usable-rows', 'No usable rows in x (the file has no rows)', { details: { name: 'x', rejections: [] } })).toBeNull()
  })
})
