/**
 * Picked files as handles: only what the user picked (a dialog path, a drop, an upload) can be read, only for
 * its purpose and only for a while; uploads are streamed into the data folder under a cap and deleted again.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StudioError } from '../../shared/result'
import { FileGrants, openDialogOptions, uploadReceiver } from './file-grants'

let dir: string
let uploads: string
let now = 1_000_000
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-'))
  uploads = path.join(dir, 'data', 'downloads', 'uploads')
  now = 1_000_000
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const grants = (ttlMs = 60_000) => new FileGrants(uploads, { ttlMs, now: () => now })
const write = (name: string, content = '{"messages":[]}\n'): string => {
  const p = path.join(dir, name)
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, content)
  return p
}
const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    if (err instanceof StudioError) return err.code
    throw err
  }
  return 'ok'
}
const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)))

describe('paths from the dialog or a drop', () => {
  it('grants a data file for imports only, by a random handle that names no path', () => {
    const g = grants()
    const file = write('chats.jsonl')
    const picked = g.grantPath(file, 'dataset')
    expect(picked).toMatchObject({ name: 'chats.jsonl', kind: 'file', size: fs.statSync(file).size })
    expect(picked.handle).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(picked.handle).not.toContain('chats')
    expect(g.use(picked.handle, 'dataset')).toEqual({ path: file, name: 'chats.jsonl', temp: false })
    expect(codeOf(() => g.use(picked.handle, 'tokenizer-folder'))).toBe('file-grant-expired')
    expect(codeOf(() => g.use('A'.repeat(24), 'dataset'))).toBe('file-grant-expired')
  })

  it('refuses what is not a data file for the purpose, naming the file field', () => {
    const g = grants()
    for (const name of ['id_rsa', 'gcloud/credentials.db', 'docker/config.json.bak']) {
      const err = (() => {
        try {
          g.grantPath(write(name), 'dataset')
        } catch (e) {
          return e as StudioError
        }
        return null
      })()
      expect(err?.code).toBe('invalid-input')
      expect(err?.details?.issues).toEqual([{ path: 'file', message: 'must be a .jsonl, .json, .parquet file' }])
    }
    expect(codeOf(() => g.grantPath(path.join(dir, 'folder.jsonl'), 'dataset'))).toBe('dataset-file-unreadable')
    fs.mkdirSync(path.join(dir, 'folder.jsonl'))
    expect(codeOf(() => g.grantPath(path.join(dir, 'folder.jsonl'), 'dataset'))).toBe('dataset-not-a-file')
    // A tokenizer is picked as a folder.
    expect(codeOf(() => g.grantPath(write('tok/tokenizer.json'), 'tokenizer-folder'))).toBe('invalid-input')
    expect(g.grantPath(path.join(dir, 'tok'), 'tokenizer-folder')).toMatchObject({ name: 'tok', kind: 'folder' })
  })

  it('forgets a grant once its time is up', () => {
    const g = grants(1000)
    const picked = g.grantPath(write('a.json'), 'dataset')
    now += 999
    expect(g.use(picked.handle, 'dataset').name).toBe('a.json')
    now += 2
    expect(codeOf(() => g.use(picked.handle, 'dataset'))).toBe('file-grant-expired')
  })

  it('builds the desktop dialog’s filters from the same rules', () => {
    expect(openDialogOptions('dataset', { filterName: 'Chat datasets' })).toEqual({ properties: ['openFile'], filters: [{ name: 'Chat datasets', extensions: ['jsonl', 'json', 'parquet'] }] })
    expect(openDialogOptions('tokenizer-folder', {})).toEqual({ properties: ['openDirectory'] })
    // Folders whose path goes into the local server's config: folders only, the checkpoint folder may be created.
    expect(openDialogOptions('model-folder', { title: 'Base model folder' }, '/models')).toEqual({ title: 'Base model folder', defaultPath: '/models', properties: ['openDirectory', 'dontAddToRecent'] })
    expect(openDialogOptions('checkpoint-folder', {}).properties).toEqual(['openDirectory', 'createDirectory', 'dontAddToRecent'])
  })
})

describe('uploads', () => {
  it('streams an upload into a private copy inside the data folder, granted by the uploaded name', async () => {
    const g = grants()
    const picked = await g.receiveUpload({ purpose: 'dataset', fileName: '../../etc/chats.jsonl', body: body('{"a":', '1}\n') })
    expect(picked).toMatchObject({ name: 'chats.jsonl', size: 8, kind: 'file' })
    const used = g.use(picked.handle, 'dataset')
    expect(used.temp).toBe(true)
    expect(path.dirname(used.path)).toBe(uploads)
    expect(fs.readFileSync(used.path, 'utf8')).toBe('{"a":1}\n')
    expect(fs.statSync(used.path).mode & 0o777).toBe(0o600)
    expect(g.release(picked.handle)).toBe(true)
    expect(fs.existsSync(used.path)).toBe(false)
  })

  it('refuses a wrong name or a declared size over the cap before writing, and cuts off a body that runs over', async () => {
    const g = grants()
    const fails = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: StudioError) => e.code)
    expect(await fails(g.receiveUpload({ purpose: 'dataset', fileName: 'notes.txt', body: body('x') }))).toBe('invalid-input')
    expect(await fails(g.receiveUpload({ purpose: 'tokenizer-file', fileName: 'vocab.json', body: body('{}') }))).toBe('invalid-input')
    expect(await fails(g.receiveUpload({ purpose: 'tokenizer-folder', fileName: 'tokenizer.json', body: body('{}') }))).toBe('invalid-input')
    expect(await fails(g.receiveUpload({ purpose: 'tokenizer-file', fileName: 'tokenizer.json', declaredBytes: 1e12, body: body('{}') }))).toBe('file-too-large')
    const huge = Readable.from((function* () {
      for (let i = 0; i < 80; i++) yield Buffer.alloc(1024 * 1024, 32)
    })())
    expect(await fails(g.receiveUpload({ purpose: 'tokenizer-file', fileName: 'tokenizer.json', body: huge }))).toBe('file-too-large')
    expect(fs.existsSync(uploads) ? fs.readdirSync(uploads) : []).toEqual([])
  })

  it('answers the bridge with a Result, and the app’s close deletes every copy (as the next start does)', async () => {
    const g = grants()
    const receive = uploadReceiver(g)
    expect(await receive({ purpose: 'nope', fileName: 'a.jsonl', body: body('x') })).toMatchObject({ ok: false, code: 'invalid-input' })
    const r = await receive({ purpose: 'dataset', fileName: 'a.jsonl', body: body('{}\n') })
    expect(r.ok).toBe(true)
    expect(fs.readdirSync(uploads)).toHaveLength(1)
    g.close()
    expect(fs.existsSync(uploads)).toBe(false)
    fs.mkdirSync(uploads, { recursive: true })
    fs.writeFileSync(path.join(uploads, 'left-by-a-crash.jsonl'), 'x')
    grants()
    expect(fs.existsSync(uploads)).toBe(false)
  })
})
