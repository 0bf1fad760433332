import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  authorizedUsersOf,
  buildTuftConfig,
  configProblems,
  persistenceNamespace,
  renderTuftYaml,
  type ResolvedModel,
} from './tuft-config'
import { recogniseStartupFailure, diagnoseExit } from './startup-errors'

const model = (over: Partial<ResolvedModel> = {}): ResolvedModel => ({
  name: 'Qwen3-4B',
  path: '/models/qwen3',
  maxModelLen: 32768,
  maxLoraRank: 32,
  tensorParallelSize: 1,
  trainingBackend: 'hf',
  ...over,
})

describe('tuft_config.yaml', () => {
  it('round-trips names and paths with quotes, colons, hashes and non-ASCII through YAML', () => {
    const tricky = model({ name: 'team/模型: "v2" #1', path: "/data/my models/it's: here #x" })
    const config = buildTuftConfig({
      models: [
        tricky,
        model({ name: 'fsdp-one', trainingBackend: 'fsdp', fsdpNumGpus: 2, tensorParallelSize: 2 }),
      ],
      checkpointDir: '/ckpt dir/a: b',
      authorizedUsers: { 'tml-abc': 'local-user' },
      colocate: false,
      persistenceFile: '/state/tuft-state.json',
    })
    const text = renderTuftYaml(config, [
      'Started with: tuft launch --config F --host 127.0.0.1 --port 10611',
    ])
    const back = parse(text) as Record<string, unknown>
    expect(back).toEqual(config)
    expect(back).toMatchObject({
      checkpoint_dir: '/ckpt dir/a: b',
      model_owner: 'local-user',
      supported_models: [
        {
          model_name: 'team/模型: "v2" #1',
          model_path: "/data/my models/it's: here #x",
          max_model_len: 32768,
          max_lora_rank: 32,
          tensor_parallel_size: 1,
          training_backend: 'hf',
        },
        { model_name: 'fsdp-one', training_backend: 'fsdp', fsdp_num_gpus: 2, tensor_parallel_size: 2 },
      ],
      authorized_users: { 'tml-abc': 'local-user' },
      persistence: {
        mode: 'FILE',
        file_path: '/state/tuft-state.json',
        namespace: expect.stringMatching(/^tuft-studio-[0-9a-f]{8}$/),
      },
    })
    // TuFT has no port key: the command line carries it, and the header says so.
    expect(text).not.toMatch(/^port:/m)
    expect(text.split('\n')[0]).toBe('# Started with: tuft launch --config F --host 127.0.0.1 --port 10611')
    expect(authorizedUsersOf(text)).toEqual({ 'tml-abc': 'local-user' })
  })

  it('hides the keys in the preview and keeps the user names', () => {
    const config = buildTuftConfig({
      models: [model()],
      checkpointDir: '/c',
      authorizedUsers: { 'tml-secret1': 'alice', 'tml-secret2': 'bob' },
      colocate: true,
      persistenceFile: null,
    })
    const shown = renderTuftYaml(config, [], true)
    expect(shown).not.toContain('tml-secret')
    expect(
      Object.values((parse(shown) as { authorized_users: Record<string, string> }).authorized_users),
    ).toEqual(['alice', 'bob'])
    expect(parse(shown)).toMatchObject({
      persistence: { mode: 'DISABLE' },
      supported_models: [{ colocate: true }],
    })
  })

  it('checks what TuFT’s validators would reject, and keeps one persistence namespace per model set', () => {
    expect(configProblems([model(), model()], { colocate: false }, []).map((p) => p.message)).toEqual([
      'Model names must be unique; "Qwen3-4B" is used twice.',
    ])
    expect(
      configProblems([model(), model({ name: 'b', tensorParallelSize: 2 })], { colocate: true }, []).length,
    ).toBe(2)
    expect(
      configProblems([model({ maxModelLen: 65536 })], { colocate: false }, [
        { maxContext: 40960 } as never,
      ])[0].message,
    ).toMatch(/above the model's own context length \(40960\)/)
    expect(persistenceNamespace([model()])).toBe(persistenceNamespace([model()]))
    expect(persistenceNamespace([model()])).not.toBe(persistenceNamespace([model({ maxLoraRank: 64 })]))
  })
})

describe('startup failures from the log', () => {
  it.each([
    [
      "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 10610): address already in use",
      'local-server-port-taken',
    ],
    ['torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.', 'local-server-gpu-oom'],
    [
      'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.',
      'local-server-gpu-oom',
    ],
    [
      'OSError: Error no file named pytorch_model.bin, model.safetensors, tf_model.h5, model.ckpt.index or flax_model.msgpack found in directory /m.',
      'local-server-missing-weights',
    ],
    [
      'safetensors_rust.SafetensorError: Error while deserializing header: HeaderTooLarge',
      'local-server-missing-weights',
    ],
    ['yaml.scanner.ScannerError: mapping values are not allowed here', 'local-server-bad-config'],
    [
      'ValueError: Failed to load config from /x.yaml: 1 validation error for AppConfig',
      'local-server-bad-config',
    ],
    [' 🚫 FATAL ERROR: Configuration Mismatch Detected 🚫', 'local-server-bad-config'],
  ])('%s → %s', (line, code) => {
    expect(
      recogniseStartupFailure([
        'INFO:     Started server process [1]',
        line,
        'ERROR:    Application startup failed. Exiting.',
      ]),
    ).toEqual({ code, line: line.trim() })
  })

  it('names the setting a rejected config was refused for, as pydantic and OmegaConf print it', () => {
    expect(
      recogniseStartupFailure([
        'ValueError: Failed to load config from /x.yaml: 2 validation errors for AppConfig',
        'supported_models.1.tensor_parallel_size',
        '  Input should be greater than 0',
      ]),
    ).toMatchObject({ code: 'local-server-bad-config', field: 'tensor_parallel_size', modelIndex: 1 })
    expect(
      recogniseStartupFailure([
        "omegaconf.errors.ValidationError: Value 'abc' could not be converted to Integer",
        '    full_key: supported_models[0].max_lora_rank',
      ]),
    ).toMatchObject({ field: 'max_lora_rank', modelIndex: 0 })
    expect(recogniseStartupFailure(['yaml.scanner.ScannerError: mapping values are not allowed here'])).toEqual({
      code: 'local-server-bad-config',
      line: 'yaml.scanner.ScannerError: mapping values are not allowed here',
    })
    // Only a rejected config names a field: an out-of-memory line that mentions max_model_len does not.
    expect(recogniseStartupFailure(['ValueError: No available memory for the cache blocks (max_model_len 40960)'])).toEqual({
      code: 'local-server-gpu-oom',
      line: 'ValueError: No available memory for the cache blocks (max_model_len 40960)',
    })
  })

  it('prefers a specific cause over the traceback after it, and falls back to the last exception line', () => {
    expect(
      diagnoseExit([
        'RuntimeError: Engine core initialization failed',
        'torch.OutOfMemoryError: CUDA out of memory.',
        'RuntimeError: x',
      ]).code,
    ).toBe('local-server-gpu-oom')
    expect(
      diagnoseExit([
        'Traceback (most recent call last):',
        "ModuleNotFoundError: No module named 'vllm'",
        'ERROR:    Application startup failed. Exiting.',
      ]),
    ).toEqual({
      code: 'local-server-exited',
      line: "ModuleNotFoundError: No module named 'vllm'",
    })
    expect(diagnoseExit(['INFO: nothing useful'])).toEqual({ code: 'local-server-exited', line: null })
  })
})
