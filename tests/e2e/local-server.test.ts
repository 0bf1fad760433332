/**
 * A TuFT server on this workstation, from the connect step to using the fine-tuned model, with the fake `tuft`
 * (the sandbox behind TuFT's command line): TuFT is detected; a start whose port another program takes fails with
 * its hint, the log line that named it and a one-click other port; the form checks the model folder, shows the YAML with the keys hidden, starts
 * the server with its log visible and searchable; "Connect to it" makes it the active server; a short run trains on
 * it; the Server view lists a notebook's run (publish, delete) and the app's finished run (unloaded, from local
 * history); "Use this model" answers through the OpenAI-compatible route; the server stops. Screenshots of the new
 * screens go to docs/screenshots/ (and zh-CN/).
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { ChannelName, OutputOf } from '../../src/shared/contract'
import type { Result } from '../../src/shared/result'
import { createTuftClient } from '../../src/main/core/tuft'
import { englishWords } from '../helpers/english-prose'
import { FAKE_TUFT_BIN, freePort } from '../helpers/local-tuft'
import { makeModelFolder } from '../helpers/model-folder'
import { pageText, SCREENSHOTS, shot, useStudio } from './harness'

let model: string
let tuftHome: string
let blocker: net.Server
let port: number
const ran = { runId: '', sampler: '', notebookSampler: '' }

/** The local-server card alone (the connect step around it is taller than a screen), in a window tall enough to
 * show it unscrolled, so the sticky top bar does not cover it. */
async function cardShot(name: string): Promise<void> {
  const size = e2e.page.viewportSize()
  await e2e.page.setViewportSize({ width: size?.width ?? 1440, height: 3000 })
  await e2e.page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0))
  await e2e.page.getByTestId('local-server').screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) })
  if (size) await e2e.page.setViewportSize(size)
}

/** The whole page in a window as tall as the page, so the sticky top bar stays at the top of the picture. */
async function pageShot(name: string): Promise<void> {
  const size = e2e.page.viewportSize()
  const height = await e2e.page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight)
  await e2e.page.setViewportSize({ width: size?.width ?? 1440, height: Math.min(4000, height) })
  await shot(e2e.page, name)
  if (size) await e2e.page.setViewportSize(size)
}

/** UI text outside data (paths, code, logs, run names, model replies), for the Chinese check. */
const uiText = (p: Page): Promise<string> =>
  p.evaluate(() => {
    type El = { closest(s: string): unknown }
    type TextNode = { textContent: string | null; parentElement: El | null }
    const g = globalThis as unknown as { document: { body: unknown; createTreeWalker(root: unknown, what: number): { nextNode(): TextNode | null } } }
    const data = 'pre, code, .mono, .sample-text, textarea, [data-testid="open-local-run"], .topnav, script, style'
    const walker = g.document.createTreeWalker(g.document.body, 4)
    const parts: string[] = []
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest(data)) parts.push(n.textContent ?? '')
    return parts.join(' ')
  })

async function call<C extends ChannelName>(channel: C, input: unknown = {}): Promise<OutputOf<C>> {
  const r = (await e2e.studio.app.dispatch(channel, input)) as Result<OutputOf<C>>
  if (!r.ok) throw new Error(`${channel} failed: ${r.code}: ${r.message}`)
  return r.value
}

/** A port that is free, with the next one free too (the hint offers the next one). */
async function freePair(): Promise<number> {
  for (;;) {
    const p = await freePort()
    const probe = net.createServer()
    const ok = await new Promise<boolean>((r) => probe.once('error', () => r(false)).listen(p + 1, '127.0.0.1', () => probe.close(() => r(true))))
    if (ok) return p
  }
}

const e2e = useStudio({
  env: async () => {
    model = makeModelFolder()
    tuftHome = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-tuft-home-'))
    port = await freePair()
    // Another program that takes the port the user first types while TuFT is loading.
    blocker = net.createServer((socket) => socket.destroy())
    return { TUFT_BIN: FAKE_TUFT_BIN, TUFT_HOME: tuftHome, FAKE_TUFT_STARTUP_MS: '750' }
  },
  stop: async () => {
    await new Promise((r) => (blocker?.listening ? blocker.close(r) : r(null)))
    for (const d of [model, tuftHome]) if (d) fs.rmSync(d, { recursive: true, force: true })
  },
})

describe('a local TuFT server', () => {
  it('is detected; a start whose port is taken while TuFT loads fails with its hint, the log line and another port', async () => {
    await e2e.page.getByTestId('tuft-detected').waitFor()
    expect(await e2e.page.getByTestId('tuft-detected').textContent()).toContain(FAKE_TUFT_BIN)
    await e2e.page.getByTestId('local-server-setup').click()
    await e2e.page.getByTestId('model-path').fill(model)
    const report = e2e.page.getByTestId('model-report')
    await report.waitFor()
    expect(await report.getAttribute('data-ok')).toBe('true')
    expect(await report.textContent()).toContain('Qwen3ForCausalLM')
    await e2e.page.getByTestId('model-name').fill('qwen-local')
    await e2e.page.getByTestId('max-lora-rank').fill('16')
    await e2e.page.getByTestId('local-port').fill(String(port))
    await e2e.page.getByTestId('local-server-review').click()
    await e2e.page.getByTestId('local-server-start').click()
    // The app found the port free and TuFT is loading: another program takes the port before TuFT binds it.
    await e2e.page.locator('[data-testid="local-server-progress"][data-phase="loading"]').waitFor()
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r))
    const hint = e2e.page.getByTestId('hint')
    await hint.waitFor({ timeout: 30_000 })
    expect(await hint.getAttribute('data-code')).toBe('local-server-port-taken')
    expect(await e2e.page.getByTestId('failed-line').textContent()).toContain('address already in use')
    expect(await e2e.page.getByTestId('log-lines').locator('.log-mark').count()).toBe(1)
    await cardShot('21-local-server-port-taken')
    // The hint's fix: the form again, on the next port, with the port field focused.
    const fix = e2e.page.getByTestId('hint-action')
    expect(await fix.textContent()).toBe(`Use port ${port + 1} instead`)
    await fix.click()
    expect(await e2e.page.getByTestId('local-port').inputValue()).toBe(String(port + 1))
    await expect.poll(() => e2e.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid'))).toBe('local-port')
  })

  it('stops a start while TuFT is still loading, without a failure to explain', async () => {
    await e2e.page.getByTestId('local-server-review').click()
    await e2e.page.getByTestId('local-server-start').click()
    await e2e.page.locator('[data-testid="local-server-progress"][data-phase="loading"]').waitFor()
    const pid = (await call('localServerStatus')).pid as number
    await e2e.page.getByTestId('local-server-stop').click()
    await e2e.page.getByTestId('local-server-edit').click({ timeout: 30_000 })
    expect(await e2e.page.getByTestId('hint').count()).toBe(0)
    expect((await call('localServerStatus')).state).toBe('stopped')
    expect(() => process.kill(pid, 0)).toThrow()
  })

  it('shows the YAML with the keys hidden before starting, then starts with its log streaming', async () => {
    await e2e.page.getByTestId('local-server-review').click()
    const yaml = e2e.page.getByTestId('yaml-preview')
    await yaml.waitFor()
    const text = (await yaml.textContent()) ?? ''
    expect(text).toContain('model_name: qwen-local')
    expect(text).toContain(model)
    expect(text).toContain('max_lora_rank: 16')
    expect(text).toContain('hidden')
    expect(await e2e.page.getByTestId('local-server-plan').textContent()).toContain(`http://127.0.0.1:${port + 1}`)
    await cardShot('22-local-server-yaml')
    await e2e.page.getByTestId('local-server-start').click()
    await e2e.page.getByTestId('local-server-progress').waitFor()
    await expect.poll(() => e2e.page.getByTestId('local-server-state').textContent(), { timeout: 60_000 }).toBe('running')
    const log = e2e.page.getByTestId('log-lines')
    // Uvicorn's "running on" line comes after "startup complete": wait for both before searching.
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('Application startup complete')
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/uvicorn running/i)
    // The search narrows the log to matching lines.
    const all = await log.locator('.log-line').count()
    await e2e.page.getByTestId('log-search').fill('uvicorn running')
    await expect.poll(() => log.locator('.log-line').count()).toBeLessThan(all)
    expect(await log.textContent()).toMatch(/uvicorn running/i)
    await e2e.page.getByTestId('log-search').fill('')
    // The server's key is never on the page.
    const key = e2e.studio.app.localServer.apiKey() as string
    expect(key).toMatch(/^tml-/)
    expect(await pageText(e2e.page)).not.toContain(key)
    await cardShot('23-local-server-running')
  })

  it('becomes the active server with "Connect to it", and a short run trains on it', async () => {
    await e2e.page.getByTestId('local-server-connect').click()
    await e2e.page.getByTestId('local-server-connected').waitFor()
    const report = e2e.page.getByTestId('connection-report')
    await report.waitFor()
    expect(await report.textContent()).toContain('qwen-local')
    expect((await call('settingsGet')).activeServer).toBe(`http://127.0.0.1:${port + 1}`)

    const sample = await call('datasetImport', { opId: 'imp', source: { kind: 'sample' } })
    const run = await call('runStart', { config: { dataset: { name: sample.name }, baseModel: 'qwen-local', rank: 8, batchSize: 2, maxLength: 256, steps: 2, evalEvery: 0, evalSetSize: 0 } })
    await expect.poll(async () => (await call('runGet', { runId: run.id })).status, { timeout: 120_000, interval: 250 }).toMatch(/completed|failed/)
    const detail = await call('runGet', { runId: run.id })
    expect(detail.error).toBeNull()
    ran.runId = run.id
    ran.sampler = detail.samplerPath as string
    // A run started elsewhere with the same key (a notebook), still loaded on the server.
    const client = createTuftClient({ url: `http://127.0.0.1:${port + 1}`, apiKey: key(), env: {} })
    try {
      const m = await client.createLoraModel({ base_model: 'qwen-local', rank: 4 })
      ran.notebookSampler = (await (await m.saveWeightsForSampler('notebook')).result).path
    } finally {
      client.close()
    }
  }, 180_000)

  it('lists the server’s runs in the Server view: a notebook’s run with publish and delete, and the app’s finished run from history', async () => {
    await e2e.page.getByRole('button', { name: 'Server', exact: true }).click()
    await e2e.page.getByTestId('server-view').waitFor()
    const notebook = e2e.page.getByTestId('server-run')
    await notebook.waitFor()
    expect(await notebook.count()).toBe(1)
    expect(await notebook.textContent()).toContain('Not started from TuFT Studio')
    await notebook.getByTestId('server-run-toggle').click()
    const ck = e2e.page.locator(`[data-testid="server-checkpoint"][data-path="${ran.notebookSampler}"]`)
    await ck.waitFor()
    expect(await ck.textContent()).toMatch(/\d+(\.\d+)? (bytes|kB|MB)/)
    await ck.getByTestId('checkpoint-publish').click()
    await ck.getByText('public', { exact: true }).waitFor()
    // The server runs here: its adapter is copied into the data folder.
    await ck.getByTestId('download-adapter').click()
    await ck.getByTestId('adapter-saved').waitFor()
    expect(await ck.getByTestId('adapter-saved').textContent()).toContain(path.join(e2e.studio.dataDir, 'adapters'))

    const unloaded = e2e.page.getByTestId('unloaded-run')
    await unloaded.waitFor()
    expect(await unloaded.textContent()).toContain('not loaded')
    expect(await unloaded.locator(`[data-path="${ran.sampler}"]`).count()).toBe(1)
    await pageShot('24-server-view')

    await ck.getByTestId('checkpoint-delete').click()
    await ck.getByTestId('checkpoint-confirm-delete').click()
    await expect.poll(() => ck.count()).toBe(0)
  })

  it('"Use this model" gives the path and snippets, and Try it answers through the OpenAI-compatible route', async () => {
    await e2e.page.getByTestId('unloaded-run').locator(`[data-path="${ran.sampler}"]`).getByTestId('checkpoint-use').click()
    const panel = e2e.page.getByTestId('use-model-body')
    await panel.waitFor()
    expect(await panel.getByTestId('use-model-path').textContent()).toBe(ran.sampler)
    const snippet = panel.getByTestId('snippet')
    await expect.poll(() => snippet.textContent()).toContain('/oai/api/v1/chat/completions')
    expect(await snippet.textContent()).toContain('$TINKER_API_KEY')
    // Where this server's key is, for running the snippets (the key itself is never shown).
    expect(await panel.getByTestId('local-key-file').textContent()).toContain(path.join(e2e.studio.dataDir, 'local-server', 'tuft_config.yaml'))
    await panel.getByTestId('snippet-tab-pythonTinker').click()
    expect(await snippet.textContent()).toContain(`model_path=${JSON.stringify(ran.sampler)}`)
    // The server no longer lists the run, so it has no archive, and this fake TuFT does not keep its checkpoints in
    // TuFT's folder layout: the panel says the adapter stays on the server.
    await panel.getByTestId('download-adapter').click()
    await panel.getByTestId('adapter-unlisted').waitFor()
    await panel.getByTestId('try-it').click()
    const reply = panel.getByTestId('try-reply')
    await reply.waitFor({ timeout: 60_000 })
    expect(((await reply.locator('.sample-text').textContent()) ?? '').length).toBeGreaterThan(0)
    expect(await pageText(e2e.page)).not.toContain(key())
    await pageShot('25-use-model')
  })

  it('opens the run from the Server view, whose page has the same panel', async () => {
    await e2e.page.getByTestId('unloaded-run').getByTestId('open-local-run').click()
    await e2e.page.getByTestId('run-view').waitFor()
    await e2e.page.getByTestId('use-model-open').click()
    expect(await e2e.page.getByTestId('use-model-path').textContent()).toBe(ran.sampler)
  })

  it('reads in Chinese: the Server view, "Use this model" and the running server', async () => {
    await call('settingsSet', { locale: 'zh-CN' })
    await e2e.page.reload()
    await e2e.page.getByTestId('history').waitFor()
    await e2e.page.getByRole('button', { name: '服务器', exact: true }).click()
    await e2e.page.getByTestId('unloaded-run').locator(`[data-path="${ran.sampler}"]`).getByTestId('checkpoint-use').click()
    await expect.poll(() => e2e.page.getByTestId('snippet').textContent()).toContain('/oai/api/v1/chat/completions')
    const view = await uiText(e2e.page)
    expect(view).toContain('服务器已不再保留')
    expect(englishWords(view)).toEqual([])
    await pageShot('zh-CN/24-server-view')
    await e2e.page.getByRole('button', { name: '新建训练' }).click()
    await e2e.page.getByTestId('local-server-state').waitFor()
    // The language switch names English in English.
    expect(englishWords(await uiText(e2e.page), ['English'])).toEqual([])
    await cardShot('zh-CN/23-local-server-running')
    await call('settingsSet', { locale: 'en' })
    await e2e.page.reload()
    await e2e.page.getByTestId('history').waitFor()
  })

  it('stops the server from the connect step', async () => {
    const pid = (await call('localServerStatus')).pid as number
    await e2e.page.getByRole('button', { name: 'New run' }).click()
    await e2e.page.getByTestId('local-server-stop').click()
    await e2e.page.getByTestId('local-server-setup').waitFor({ timeout: 30_000 })
    expect((await call('localServerStatus')).state).toBe('stopped')
    expect(() => process.kill(pid, 0)).toThrow()
  })
})

const key = (): string => e2e.studio.app.localServer.apiKey() ?? 'no-key-recorded'
