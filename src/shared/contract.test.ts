import { describe, expect, it } from 'vitest'
import { CHANNELS, contract, isChannelName, parseInput } from './contract'

describe('contract input validation', () => {
  it('accepts a well-formed request and applies no hidden coercion', () => {
    const r = parseInput('datasetPage', { name: 'no_robots', split: 'test', offset: 0, limit: 20 })
    expect(r).toEqual({ ok: true, value: { name: 'no_robots', split: 'test', offset: 0, limit: 20 } })
  })

  it('treats a missing input as {} for channels that take none', () => {
    expect(parseInput('settingsGet', undefined).ok).toBe(true)
    expect(parseInput('runList', null).ok).toBe(true)
  })

  it.each([
    ['datasetPage', { name: 'x', split: 'test', offset: -1, limit: 20 }, 'offset'],
    ['datasetPage', { name: 'x', split: 'test', offset: 0, limit: 100000 }, 'limit'],
    ['datasetPage', { name: 'x', split: '../etc', offset: 0, limit: 1 }, 'split'],
    ['datasetPage', { name: 'x', split: '..', offset: 0, limit: 1 }, 'split'],
    ['datasetPage', { name: 'x', split: '.hidden', offset: 0, limit: 1 }, 'split'],
    ['datasetDelete', { name: '   ' }, 'name'],
    ['datasetDelete', { name: 'a\0b' }, 'name'],
    ['datasetDelete', { name: 'x'.repeat(201) }, 'name'],
    ['settingsGet', { extra: true }, ''],
    ['apiKeySet', { key: '' }, 'key'],
    ['apiKeySet', { key: 42 }, 'key'],
    ['settingsSet', { hfEndpoint: 'javascript:alert(1)' }, 'hfEndpoint'],
    ['settingsSet', { locale: 'fr-FR' }, 'locale'],
    ['connectionTest', { url: 'file:///etc/passwd' }, 'url'],
    ['datasetImport', { opId: 'a', source: { kind: 'hub', repo: 'bad repo id' } }, 'source.repo'],
    ['datasetImport', { opId: 'a', source: { kind: 'ftp', path: '/x' } }, 'source.kind'],
    // The page never names a path: a local file comes as the handle of a file the user picked.
    ['datasetImport', { opId: 'a', source: { kind: 'file', path: '/home/me/.ssh/id_rsa' } }, 'source.kind'],
    ['datasetImport', { opId: 'a', source: { kind: 'file', path: '/home/me/data/chats.jsonl' } }, 'source.kind'],
    ['datasetImport', { opId: 'a', source: { kind: 'picked', handle: '/home/me/.ssh/id_rsa' } }, 'source.handle'],
    ['datasetImport', { opId: 'a', source: { kind: 'sample', path: '/etc/passwd' } }, ''],
    ['datasetImport', { opId: 'a', source: { kind: 'hub', repo: 'o/n' }, endpoint: 'file:///etc' }, 'endpoint'],
    ['tokenizerUseFolder', { opId: 'a', modelId: 'm' }, 'folder'],
    ['tokenizerLoad', { opId: 'a', modelId: 'm', endpoint: 'javascript:x' }, 'endpoint'],
    ['runStart', { config: { baseModel: 'm', dataset: { name: 'd' }, rank: 8, learningRate: -1, steps: 5 } }, 'config.learningRate'],
    ['runStart', { config: { dataset: { name: 'd' }, steps: 5, server: { kind: 'remote', url: 'http://x:1', apiKey: 'k' } } }, 'config.server'],
    ['runStart', { config: { baseModel: 'm', dataset: { name: 'd' }, rank: 0, learningRate: 1e-4, batchSize: 8, maxLength: 512, evalEvery: 10, steps: 5 } }, 'config.rank'],
    ['runCompare', { runIds: [] }, ''],
    ['playgroundSample', { runId: 'r', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages.0.role'],
  ] as const)('%s rejects %j with invalid-input', (channel, input, path) => {
    const r = parseInput(channel, input)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.code).toBe('invalid-input')
    const issues = (r.details?.issues ?? []) as { path: string }[]
    if (path) expect(issues.map((i) => i.path)).toContain(path)
  })

  it('rejects unknown channels, including prototype keys', () => {
    expect(isChannelName('toString')).toBe(false)
    expect(isChannelName('__proto__')).toBe(false)
    const r = parseInput('constructor' as never, {})
    expect(r.ok).toBe(false)
  })

  it('has an input schema for every channel', () => {
    for (const c of CHANNELS) expect(typeof contract[c].input.safeParse).toBe('function')
    expect(CHANNELS.length).toBeGreaterThan(30)
  })
})
