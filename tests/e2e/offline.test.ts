/**
 * A fresh install with no network and nothing cached, in Chromium through the bridge:
 *  - first screen → live train-NLL curve on the sandbox in ≤ 4 clicks and no typing (counted in the page);
 *  - the dataset step: imported datasets offered first, a file chosen or dropped (uploaded, never a typed
 *    path), a wrong file highlighted, an import report in words (format, reasons, excerpts, warnings, rows
 *    numbered as in the file), Cancel on a hub listing that hangs, hints that know what was already tried;
 *  - a TuFT-compatible server serving a model whose tokenizer only the hub has: the model step takes a
 *    tokenizer folder from this machine instead, and remembers it.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { builtinTokenizerFiles, startSandbox, type SandboxHandle } from '../../src/sandbox'
import { unusedLocalUrl } from '../helpers/hub-mirror'
import { openApp, pageText, shot, useStudio } from './harness'

const SERVED_MODEL = 'Qwen/Qwen3-0.6B'
const SERVER_KEY = 'tml-offline-e2e-key-7c1d'

let hub: string
let siteMirror: string
let served: SandboxHandle
let stalled: net.Server
let stalledUrl: string
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-e2e-'))

/** Counts what the user does in the page from now on: trusted clicks, and keys that type a character. */
const startCounting = (p: Page): Promise<void> =>
  p.evaluate(() => {
    const g = globalThis as unknown as { __used: { clicks: number; typed: number }; addEventListener(t: string, f: (e: { isTrusted: boolean; key?: string }) => void, c: boolean): void }
    g.__used = { clicks: 0, typed: 0 }
    g.addEventListener('click', (e) => void (e.isTrusted && g.__used.clicks++), true)
    g.addEventListener('keydown', (e) => void (e.isTrusted && e.key?.length === 1 && g.__used.typed++), true)
  })
const used = (p: Page): Promise<{ clicks: number; typed: number }> => p.evaluate(() => (globalThis as unknown as { __used: { clicks: number; typed: number } }).__used)

const e2e = useStudio({
  env: async () => {
    hub = await unusedLocalUrl()
    siteMirror = await unusedLocalUrl()
    // A mirror that accepts the connection and never answers: a listing that hangs.
    stalled = net.createServer(() => undefined)
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r))
    stalledUrl = `http://127.0.0.1:${(stalled.address() as net.AddressInfo).port}`
    const tokenizer = builtinTokenizerFiles()
    if (!tokenizer) throw new Error('the built-in tokenizer files are missing')
    // A TuFT-compatible server serving a model by its hub name (its tokenizer is not the app's own).
    served = await startSandbox({ apiKeys: [SERVER_KEY], models: [{ name: SERVED_MODEL, maxContext: 2048, maxLoraRank: 16, tokenizer }] })
    // Neither the hub nor the site's own mirror can be reached.
    return { HF_ENDPOINT: hub, TUFT_STUDIO_HF_MIRROR: siteMirror }
  },
  stop: async () => {
    await served?.close()
    stalled?.close()
    fs.rmSync(work, { recursive: true, force: true })
  },
})

/** A fresh window on the same app: the wizard starts again at its first step. */
async function freshPage(): Promise<void> {
  await e2e.page.context().close()
  ;({ page: e2e.page } = await openApp(e2e.browser, e2e.studio))
}

describe('offline, nothing cached', () => {
  it('reaches a live train-NLL curve on the sandbox in at most 4 clicks and no typing', async () => {
    await startCounting(e2e.page)
    await e2e.page.getByTestId('quick-start-run').click()
    await e2e.page.getByTestId('step-review').waitFor({ timeout: 120_000 })
    // Everything the run will use is shown before it starts.
    const review = await e2e.page.getByTestId('review-config').textContent()
    expect(review).toContain('sandbox/qwen3-tiny')
    expect(review).toContain('sample-chat')
    await e2e.page.getByTestId('continue').click()
    await expect
      .poll(async () => Number(await e2e.page.getByTestId('point-counts').getAttribute('data-train')), { timeout: 120_000, interval: 250 })
      .toBeGreaterThanOrEqual(1)
    const { clicks, typed } = await used(e2e.page)
    expect(clicks).toBeLessThanOrEqual(4)
    expect(typed).toBe(0)
    const runId = (await e2e.studio.app.dispatch('runList', {})) as { ok: true; value: { id: string }[] }
    for (const r of runId.value) await e2e.studio.app.dispatch('runCancel', { runId: r.id })
  })

  it('offers imported datasets first, takes only picked files, highlights a wrong one, and reports rows in words', async () => {
    await freshPage()
    await e2e.page.getByTestId('use-sandbox').click()
    await e2e.page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('cached-card').waitFor()
    expect(await e2e.page.getByTestId('source-cached').textContent()).toBe('Already imported (1)')

    // A file of the wrong kind: the file field is highlighted and the hint says so.
    const notes = path.join(work, 'notes.txt')
    fs.writeFileSync(notes, 'hello')
    await e2e.page.getByTestId('file-input').setInputFiles(notes)
    await e2e.page.getByTestId('hint').waitFor()
    expect(await e2e.page.getByTestId('hint').getAttribute('data-code')).toBe('invalid-input')
    expect(await e2e.page.locator('.field-error [data-testid="file-field"]').count()).toBe(1)

    // A ShareGPT file dropped on the step: uploaded, imported, and reported in words.
    const rows = [
      { conversations: [{ from: 'human', value: 'What is LoRA?' }, { from: 'gpt', value: 'A low-rank adapter.' }] },
      '{"conversations": [{"from": "human", "value": "cut off',
      { conversations: [{ from: 'gpt', value: 'Hello! How can I help?' }, { from: 'human', value: 'Explain NLL.' }, { from: 'gpt', value: 'Negative log-likelihood.' }] },
      { messages: [{ role: 'user', content: 'wrong format for this file' }] },
      { conversations: [{ from: 'human', value: 'First question' }, { from: 'human', value: 'Second question' }, { from: 'gpt', value: 'Both answered.' }] },
    ].map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
    const dropped = await e2e.page.evaluateHandle((text: string) => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string) => unknown }
      const dt = new g.DataTransfer()
      dt.items.add(new g.File([text], 'chats-sharegpt.jsonl'))
      return dt
    }, rows.join('\n'))
    await e2e.page.getByTestId('dataset-drop').dispatchEvent('dragover', { dataTransfer: dropped })
    await e2e.page.getByTestId('dataset-drop').dispatchEvent('drop', { dataTransfer: dropped })
    const report = e2e.page.getByTestId('import-report')
    await expect.poll(() => report.textContent(), { timeout: 60_000 }).toContain('chats-sharegpt')
    expect(await e2e.page.getByTestId('hint').count()).toBe(0)
    expect(await e2e.page.getByTestId('detected-format').textContent()).toBe('Format: ShareGPT (conversations · from/value)')
    const notJson = e2e.page.locator('[data-testid="rejections"] tr[data-reason="not-json"]')
    expect(await notJson.locator('td').first().textContent()).toBe('Not valid JSON')
    expect(await notJson.getByTestId('row-example').textContent()).toContain('train, row 2')
    const missing = e2e.page.locator('[data-testid="rejections"] tr[data-reason="missing-messages"] td').first()
    expect(await missing.textContent()).toContain('No list of turns')
    expect(await e2e.page.locator('[data-testid="warnings"] tr[data-reason="starts-with-assistant"] td').first().textContent()).toBe('Starts with an assistant turn (no question before the first reply)')
    const twoUsers = e2e.page.locator('[data-testid="warnings"] tr[data-reason="consecutive-user-turns"]')
    expect(await twoUsers.getByTestId('row-example').textContent()).toContain('user: First question · user: Second question')
    expect(await e2e.page.getByTestId('rejections').textContent()).not.toContain('"excerpt"')
    // The preview numbers conversations by their row in the file, as the report does.
    await expect.poll(() => e2e.page.getByTestId('conversation').evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('aria-label'))), { timeout: 30_000 }).toEqual(['row 1', 'row 3', 'row 5'])
    // The page never saw a path of this machine: the upload was stored under its own name.
    expect(await pageText(e2e.page)).not.toContain(e2e.studio.dataDir)
    await shot(e2e.page, '18-dataset-report')
  })

  it('cancels a hub listing that hangs, and hints know what was already tried', async () => {
    await e2e.page.getByTestId('source-hub').click()
    await e2e.page.getByTestId('hf-endpoint').fill(stalledUrl)
    await e2e.page.getByTestId('import').click()
    await e2e.page.getByTestId('import-cancel').waitFor()
    // The first progress event may come a moment after Cancel appears.
    await expect.poll(() => e2e.page.getByTestId('import-progress').textContent(), { timeout: 10_000 }).toContain('Listing files')
    await e2e.page.getByTestId('import-cancel').click()
    await expect.poll(() => e2e.page.getByTestId('hint').getAttribute('data-code'), { timeout: 10_000 }).toBe('cancelled')

    // The hub as set fails: the hint names it and offers the site's mirror.
    await e2e.page.getByTestId('hf-endpoint').fill('')
    await e2e.page.getByTestId('hf-endpoint').press('Enter')
    await expect.poll(() => e2e.page.getByTestId('hint-hub-tried').textContent(), { timeout: 60_000 }).toBe(`Tried: ${hub}.`)
    expect(await e2e.page.getByTestId('hint-action').textContent()).toBe(`Use ${siteMirror} and retry`)
    // The mirror fails too: the hint says so, offers the next mirror instead of the same one, and the way on.
    await e2e.page.getByTestId('hint-action').click()
    await expect.poll(() => e2e.page.getByTestId('hint-hub-tried').textContent(), { timeout: 60_000 }).toBe(`The mirror ${siteMirror} could not be reached either.`)
    const facts = await e2e.page.getByTestId('hint-hub-facts').textContent()
    expect(facts).toContain(`Also failed in the last few minutes: ${hub}.`)
    expect(facts).toContain('HTTPS_PROXY')
    expect(await e2e.page.getByTestId('hint-action').textContent()).toBe('Use https://hf-mirror.com and retry')
    expect(await e2e.page.getByTestId('hf-endpoint').inputValue()).toBe(siteMirror)
    await shot(e2e.page, '19-hint-mirror-failed-too')
    await e2e.page.getByTestId('hint-use-sample').click()
    await expect.poll(() => e2e.page.getByTestId('import-report').textContent(), { timeout: 60_000 }).toContain('sample-chat')
  })

  it('trains a server’s model whose tokenizer only the hub has: from a tokenizer folder on this machine, remembered', async () => {
    await freshPage()
    await e2e.page.getByTestId('server-url').fill(served.url)
    await e2e.page.getByTestId('api-key').fill(SERVER_KEY)
    await e2e.page.getByTestId('test-connection').click()
    await expect.poll(() => e2e.page.getByTestId('connection-report').textContent(), { timeout: 60_000 }).toContain(SERVED_MODEL)
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('cached-card').waitFor()
    await e2e.page.getByText('sample-chat', { exact: true }).click()
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('step-model').waitFor()
    await expect.poll(() => e2e.page.getByTestId('hint').getAttribute('data-code'), { timeout: 60_000 }).toBe('hf-unreachable')

    const folder = path.join(work, 'qwen3-0.6b')
    const files = builtinTokenizerFiles()
    fs.mkdirSync(folder)
    fs.copyFileSync(files!.tokenizerJson, path.join(folder, 'tokenizer.json'))
    fs.copyFileSync(files!.tokenizerConfig, path.join(folder, 'tokenizer_config.json'))
    fs.writeFileSync(path.join(folder, 'model.safetensors'), 'weights stay where they are')
    const [chooser] = await Promise.all([e2e.page.waitForEvent('filechooser'), e2e.page.getByTestId('tokenizer-use-folder').click()])
    await chooser.setFiles(folder)
    await e2e.page.getByTestId('tokenizer-ready').waitFor({ timeout: 60_000 })
    const provenance = e2e.page.getByTestId('tokenizer-provenance')
    expect(await provenance.getAttribute('data-origin')).toBe('folder')
    expect(await provenance.textContent()).toContain('from the folder qwen3-0.6b')
    await e2e.page.getByTestId('token-view').waitFor({ timeout: 60_000 })
    expect(await e2e.page.getByTestId('hint').count()).toBe(0)
    await shot(e2e.page, '20-tokenizer-folder')
    // Remembered for the model: loading it again needs neither the hub nor the folder.
    const again = (await e2e.studio.app.dispatch('tokenizerLoad', { opId: 'again', modelId: SERVED_MODEL })) as { ok: boolean; value: { provenance: { origin: string } } }
    expect(again).toMatchObject({ ok: true, value: { provenance: { origin: 'folder' } } })
  })
})
