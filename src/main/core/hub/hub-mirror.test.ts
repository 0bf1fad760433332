import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { downloadFile, fileExists, listFiles, modelInfo, pathsInfo, snapshotDownload } from '@huggingface/hub'
import { QWEN_FILES } from '../../../../tests/helpers/fixtures'
import { NO_ROBOTS_ID, QWEN_ID, startHubMirror, type HubMirror } from '../../../../tests/helpers/hub-mirror'
import { resolveHubRevision } from '.'

// The mirror stands in for the hub in every hub test, so check it speaks what @huggingface/hub calls.
describe('hub mirror test helper against @huggingface/hub', () => {
  let mirror: HubMirror
  beforeAll(async () => {
    mirror = await startHubMirror()
  })
  afterAll(async () => {
    await mirror.close()
  })

  it('answers tree listings, HEAD, resolve, paths-info and revision info', async () => {
    const hubUrl = mirror.url
    const top: string[] = []
    for await (const f of listFiles({ repo: { type: 'dataset', name: NO_ROBOTS_ID }, hubUrl })) top.push(`${f.type}:${f.path}`)
    expect(top).toEqual(expect.arrayContaining(['file:README.md']))
    expect(top.some((p) => p.startsWith('file:data/'))).toBe(false)

    expect(await fileExists({ repo: QWEN_ID, path: 'tokenizer.json', hubUrl })).toBe(true)
    expect(await fileExists({ repo: QWEN_ID, path: 'nope.json', hubUrl })).toBe(false)
    expect(mirror.requests.some((r) => r.method === 'HEAD' && r.url === `/${QWEN_ID}/raw/main/tokenizer.json`)).toBe(true)

    const blob = await downloadFile({ repo: QWEN_ID, path: 'tokenizer_config.json', hubUrl })
    expect(await blob?.text()).toBe(fs.readFileSync(QWEN_FILES['tokenizer_config.json'], 'utf8'))

    const info = await pathsInfo({ repo: { type: 'dataset', name: NO_ROBOTS_ID }, paths: ['data/test-00000-of-00001.parquet'], expand: true, hubUrl })
    expect(info[0].lfs?.oid).toMatch(/^[0-9a-f]{64}$/)

    const sha = (await modelInfo({ name: QWEN_ID, hubUrl, additionalFields: ['sha'] })).sha
    expect(sha).toMatch(/^[0-9a-f]{40}$/)
    expect(await resolveHubRevision({ repoType: 'model', repo: QWEN_ID, endpoint: hubUrl })).toBe(sha)
  })

  it('serves a whole snapshot (revision → tree → paths-info → resolve)', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-snapshot-'))
    const dir = await snapshotDownload({ repo: QWEN_ID, hubUrl: mirror.url, cacheDir })
    expect(fs.readdirSync(dir).sort()).toEqual(['LICENSE', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    expect(fs.statSync(path.join(dir, 'tokenizer.json')).size).toBe(11_422_654)
    fs.rmSync(cacheDir, { recursive: true, force: true })
  })
})
