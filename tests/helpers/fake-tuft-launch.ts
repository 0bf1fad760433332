/**
 * The fake `tuft` executable (tests/helpers/fake-tuft-bin/tuft). `tuft launch --config F [--host H] [--port P]`
 * reads the YAML like TuFT (supported_models, authorized_users, checkpoint_dir), prints the lines TuFT and uvicorn
 * print, and serves the sandbox with those models, keys and folder. Its failures are TuFT's real ones, read from
 * the same causes — a YAML syntax error, a config TuFT would reject, a model folder without weights, a port already
 * bound. Each can also be forced through the environment (the app checks folders and ports before starting, so
 * some of these only reach TuFT in a race), together with failures that need a GPU:
 *   FAKE_TUFT_FAIL=cuda-oom         the model does not fit (torch.OutOfMemoryError while loading), exit 3
 *   FAKE_TUFT_FAIL=missing-weights  transformers finds no weight files, exit 3
 *   FAKE_TUFT_FAIL=bad-yaml         PyYAML cannot parse the config, exit 1
 *   FAKE_TUFT_FAIL=bad-field        pydantic rejects the last model's max_model_len, exit 1
 *   FAKE_TUFT_FAIL=port-taken       uvicorn cannot bind, exit 1
 *   FAKE_TUFT_FAIL=crash            an unrecognised exception while loading, exit 3
 *   FAKE_TUFT_FAIL=hang             loads forever, never answers healthz
 *   FAKE_TUFT_STARTUP_MS=N       loading takes N ms (lines are printed meanwhile)
 *   FAKE_TUFT_IGNORE_SIGTERM=1   SIGTERM is ignored (only SIGKILL stops it)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import { folderTokenizerFiles, startSandbox, type SandboxHandle, type ServedModel } from '../../src/sandbox'

const log = (line: string): void => void process.stderr.write(`${line}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function traceback(lastLine: string, prefix = ''): void {
  log(`${prefix}Traceback (most recent call last):`)
  log(`${prefix}  File "/opt/tuft/lib/python3.12/site-packages/tuft/cli.py", line 236, in launch`)
  log(`${prefix}    app_config = _build_config(config_path, checkpoint_dir)`)
  log(lastLine)
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command !== 'launch') {
    log(
      'Usage: tuft [OPTIONS] COMMAND [ARGS]...\n\n  TuFT - Tenant-unified Fine-Tuning Server.\n\nCommands:\n  clear   Clear data commands.\n  launch  Launch the TuFT server.',
    )
    return command ? 2 : 0
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      'checkpoint-dir': { type: 'string' },
      'log-level': { type: 'string' },
    },
  })
  const configPath = values.config ?? process.env.TUFT_CONFIG
  const host = values.host ?? process.env.TUFT_HOST ?? '127.0.0.1'
  const port = Number(values.port ?? process.env.TUFT_PORT ?? 10610)
  if (!configPath) {
    log('Error: Invalid value: Configuration file must be provided via --config or TUFT_CONFIG')
    return 2
  }

  const fail = process.env.FAKE_TUFT_FAIL
  let doc: Record<string, unknown>
  try {
    if (fail === 'bad-yaml') throw new Error('mapping values are not allowed here')
    doc = (parse(fs.readFileSync(configPath, 'utf8')) ?? {}) as Record<string, unknown>
  } catch (err) {
    traceback(`yaml.scanner.ScannerError: ${(err as Error).message.split('\n')[0]}\n  in "${configPath}"`)
    return 1
  }
  const models = Array.isArray(doc.supported_models)
    ? (doc.supported_models as Record<string, unknown>[])
    : []
  const invalid =
    models.length === 0
      ? 'At least one supported model must be configured.'
      : models.find(
            (m) =>
              typeof m.model_name !== 'string' ||
              typeof m.model_path !== 'string' ||
              typeof m.max_model_len !== 'number',
          )
        ? `1 validation error for AppConfig\nsupported_models.0.max_model_len\n  Field required [type=missing]`
        : fail === 'bad-field'
          ? `1 validation error for AppConfig\nsupported_models.${models.length - 1}.max_model_len\n  Input should be less than or equal to 40960 [type=less_than_equal]`
          : null
  if (invalid) {
    traceback(`ValueError: Failed to load config from ${configPath}: ${invalid}`)
    return 1
  }
  const checkpointDir = String(
    values['checkpoint-dir'] ?? doc.checkpoint_dir ?? '~/.tuft/checkpoints',
  ).replace(/^~/, os.homedir())
  log(`INFO:tuft:Server starting on ${host}:${port}`)
  log(`INFO:     Started server process [${process.pid}]`)
  log('INFO:     Waiting for application startup.')

  const served: ServedModel[] = []
  for (const m of models) {
    const dir = String(m.model_path)
    log(`INFO:tuft.backends.hf_training_model:Loading ${m.model_name} from ${dir}`)
    const weights = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors')) : []
    if (!fs.existsSync(dir)) {
      traceback(
        `OSError: Incorrect path_or_model_id: '${dir}'. Please provide either the path to a local folder or the repo_id of a model on the Hub.`,
        'ERROR:    ',
      )
      log('ERROR:    Application startup failed. Exiting.')
      return 3
    }
    if (weights.length === 0 || fail === 'missing-weights') {
      traceback(
        `OSError: Error no file named pytorch_model.bin, model.safetensors, tf_model.h5, model.ckpt.index or flax_model.msgpack found in directory ${dir}.`,
        'ERROR:    ',
      )
      log('ERROR:    Application startup failed. Exiting.')
      return 3
    }
    served.push({
      name: String(m.model_name),
      maxContext: Number(m.max_model_len),
      maxLoraRank: typeof m.max_lora_rank === 'number' ? m.max_lora_rank : 16,
      tokenizer: fs.existsSync(path.join(dir, 'tokenizer.json')) ? folderTokenizerFiles(dir) : null,
      tokenizerId: String(m.model_name),
    })
  }
  const startupMs = Number(process.env.FAKE_TUFT_STARTUP_MS ?? 0)
  for (let waited = 0; waited < startupMs; waited += 250) {
    log(
      `Loading safetensors checkpoint shards: ${Math.min(100, Math.round((100 * waited) / startupMs))}% Completed`,
    )
    await sleep(250)
  }
  if (fail === 'crash') {
    traceback("ModuleNotFoundError: No module named 'vllm'", 'ERROR:    ')
    log('ERROR:    Application startup failed. Exiting.')
    return 3
  }
  if (fail === 'cuda-oom') {
    traceback(
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.65 GiB of which 1.06 GiB is free.',
      'ERROR:    ',
    )
    log('ERROR:    Application startup failed. Exiting.')
    return 3
  }
  if (fail === 'hang') {
    for (;;) await sleep(60_000)
  }
  log('INFO:     Application startup complete.')

  const users = (doc.authorized_users ?? {}) as Record<string, string>
  let sb: SandboxHandle
  try {
    if (fail === 'port-taken') throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })
    sb = await startSandbox({ host, port, apiKeys: users, dataDir: checkpointDir, models: served })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    log(
      `ERROR:    [Errno 98] error while attempting to bind on address ('${host}', ${port}): address already in use`,
    )
    log('INFO:     Waiting for application shutdown.')
    log('INFO:     Application shutdown complete.')
    return 1
  }
  log(`INFO:     Uvicorn running on http://${host}:${port} (Press CTRL+C to quit)`)

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      if (process.env.FAKE_TUFT_IGNORE_SIGTERM === '1') {
        log('WARNING:  SIGTERM ignored (FAKE_TUFT_IGNORE_SIGTERM)')
        return
      }
      log('INFO:     Shutting down')
      log('INFO:     Waiting for application shutdown.')
      log('INFO:     Application shutdown complete.')
      log(`INFO:     Finished server process [${process.pid}]`)
      void sb.close().then(resolve)
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`RuntimeError: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
