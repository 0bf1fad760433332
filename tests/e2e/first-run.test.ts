/**
 * The whole first run in Chromium against the built-in sandbox and a local hub mirror: connect (the hub as set
 * is unreachable, so the dataset step takes the sample that ships with the app), import no_robots through the
 * mirror typed into the endpoint field (the mirror serves the no_robots fixture, or the sample conversations
 * on a lone clone), preview the mask, pick rank and LR, train 20 steps while the train and test NLL charts
 * update, sample base and fine-tuned side by side, export. Screenshots of each step go to docs/screenshots/.
 * Afterwards: no API key anywhere in the DOM, logs or exported files. On the way:
 * the keyboard path (skip link, focus on each step's heading), the sandbox's masked key and its Copy button,
 * validation on the Rank & LR step, export file names and the PNG's heading, and "New run" starting afresh.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { hasNoRobots, readChatRows } from '../helpers/fixtures'
import { startHubMirror, type HubMirror } from '../helpers/hub-mirror'
import { pageText, shot, useStudio } from './harness'

let mirror: HubMirror
/** How many conversations the mirror serves per split. */
const ROWS = readChatRows().length

/** What has the keyboard focus: its tag and text. */
const focused = (p: Page): Promise<string> =>
  p.evaluate(() => {
    const g = globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null } | null } }
    const a = g.document.activeElement
    return a ? `${a.tagName} ${a.textContent ?? ''}` : ''
  })

/** A PNG's pixel size, from its IHDR chunk. */
const pngSize = (file: string): { width: number; height: number } => {
  const b = fs.readFileSync(file)
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

const pointCounts = async (p: Page): Promise<{ train: number; test: number }> => {
  const el = p.getByTestId('point-counts')
  return { train: Number(await el.getAttribute('data-train')), test: Number(await el.getAttribute('data-test')) }
}

const e2e = useStudio({
  env: async () => {
    mirror = await startHubMirror({})
    // Nothing listens on port 9: the hub as configured cannot be reached, as offline or behind a firewall.
    return { HF_ENDPOINT: 'http://127.0.0.1:9' }
  },
  stop: () => mirror?.close(),
})

describe('first run', () => {
  it('connects to the local sandbox, shows its key masked with Copy, and moves the focus to each step’s heading', async () => {
    await shot(e2e.page, '01-connect')
    // The first Tab reaches the skip link, which takes the keyboard to the step itself.
    await e2e.page.keyboard.press('Tab')
    expect(await focused(e2e.page)).toBe('A Skip to the main content')
    await e2e.page.keyboard.press('Enter')
    expect(await focused(e2e.page)).toBe('H1 Connect to a TuFT server')
    // One way to test a connection; Continue says why it waits.
    expect(await e2e.page.getByRole('button', { name: 'Test connection' }).count()).toBe(1)
    expect(await e2e.page.getByTestId('blocked-reason').textContent()).toBe('Test the connection to continue.')

    await e2e.page.getByTestId('use-sandbox').click()
    const report = e2e.page.getByTestId('connection-report')
    await report.waitFor({ timeout: 60_000 })
    expect(await report.textContent()).toContain('sandbox/qwen3-tiny')
    const [sandboxKey] = e2e.studio.app.sandbox.secretValues()
    const masked = `…${sandboxKey.slice(-4)}`
    expect(await e2e.page.getByTestId('key-used').textContent()).toBe(`the sandbox’s own key ${masked}`)
    expect(await e2e.page.getByTestId('key-status').textContent()).toBe(`The sandbox uses its own key (${masked}): there is nothing to type.`)
    expect(await e2e.page.getByTestId('sandbox-key').textContent()).toBe(`Key ${masked}`)
    await e2e.page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await e2e.page.getByTestId('copy-sandbox-key').click()
    await e2e.page.getByTestId('copy-status').waitFor()
    expect(await e2e.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(sandboxKey)
    await shot(e2e.page, '01-connect-sandbox')
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('step-dataset').waitFor()
    expect(await focused(e2e.page)).toBe('H1 Choose a chat dataset')
  })

  it('takes the sample offline, then imports no_robots through the mirror typed into the endpoint field', async () => {
    // With the sandbox and an unreachable hub, the sample that ships with the app is chosen and imported.
    await e2e.page.getByTestId('sample-chosen').waitFor({ timeout: 60_000 })
    expect(await e2e.page.getByTestId('sample-chosen').textContent()).toContain('http://127.0.0.1:9 cannot be reached')
    await expect.poll(() => e2e.page.getByTestId('import-report').textContent(), { timeout: 60_000 }).toContain('sample-chat')
    await e2e.page.getByTestId('source-hub').click()
    expect(await e2e.page.getByTestId('hub-id').inputValue()).toBe('HuggingFaceH4/no_robots')
    // Import uses what is in the field, with no separate "use this endpoint" step; Enter imports.
    await e2e.page.getByTestId('hf-endpoint').fill(mirror.url)
    await e2e.page.getByTestId('hf-endpoint').press('Enter')
    const report = e2e.page.getByTestId('import-report')
    await expect.poll(() => report.textContent(), { timeout: 120_000 }).toContain('HuggingFaceH4/no_robots')
    await e2e.page.getByTestId('endpoint-remembered').waitFor()
    expect((await e2e.studio.app.settings.view()).hfEndpoint).toBe(mirror.url)
    expect(await e2e.page.getByTestId('split-train').textContent()).toContain(`${ROWS} conversations`)
    expect(await e2e.page.getByTestId('split-test').textContent()).toContain(`${ROWS} conversations`)
    expect(mirror.requests.some((r) => r.url.includes('no_robots'))).toBe(true)
    expect(await e2e.page.getByTestId('detected-format').textContent()).toBe('Format: OpenAI messages (messages · role/content)')
    await expect.poll(() => e2e.page.getByTestId('preview-range').textContent(), { timeout: 30_000 }).toBe(`1–20 of ${ROWS}`)
    expect(await e2e.page.getByTestId('conversation').count()).toBe(20)
    expect(await e2e.page.getByTestId('preview-range').textContent()).toBe(`1–20 of ${ROWS}`)
    // Conversations are numbered by their row in the file, as rejections are.
    expect(await e2e.page.getByTestId('conversation').first().getAttribute('aria-label')).toBe('row 1')
    await e2e.page.getByTestId('preview-next').click()
    await e2e.page.getByText(`21–40 of ${ROWS}`).waitFor()
    await shot(e2e.page, '02-dataset')
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('step-model').waitFor()
  })

  it('shows the chat template with the loss mask, the max-length cut and the length histogram', async () => {
    await e2e.page.getByTestId('tokenizer-ready').waitFor({ timeout: 120_000 })
    const tokens = e2e.page.getByTestId('token-view')
    await tokens.waitFor({ timeout: 60_000 })
    // Trained tokens are the assistant's content; the user's turn and role headers are context.
    expect(await tokens.locator('.tok-w1').count()).toBeGreaterThan(0)
    expect(await tokens.locator('.tok-w0').count()).toBeGreaterThan(0)
    const trained = (await tokens.locator('.tok-w1').allTextContents()).join('')
    expect(trained).toContain('<|im_end|>')
    expect(trained).not.toContain('<|im_start|>')
    await e2e.page.getByTestId('truncated-share').waitFor({ timeout: 120_000 })
    const histogram = e2e.page.getByTestId('length-histogram')
    await histogram.waitFor()
    // A max length below this conversation's length cuts it: the marker appears and the share grows.
    await e2e.page.getByTestId('max-length').fill('32')
    await e2e.page.getByTestId('cut-marker').waitFor({ timeout: 60_000 })
    await e2e.page.getByText(/of conversations are longer than 32 tokens/).waitFor({ timeout: 60_000 })
    expect(await tokens.locator('.tok-cut').count()).toBeGreaterThan(0)
    // The histogram's max-length marker sits at 32 tokens on a token axis (a category axis put it at bin 32).
    await expect.poll(() => histogram.getAttribute('data-marker'), { timeout: 30_000 }).toBe('32')
    const box = await histogram.boundingBox()
    const axisMax = Number(await histogram.getAttribute('data-axis-max'))
    const markerX = Number(await histogram.getAttribute('data-marker-x'))
    expect(Math.abs(markerX - (48 + ((box?.width ?? 0) - 48 - 24) * (32 / axisMax)))).toBeLessThan(3)
    const at1024 = e2e.page.getByText(/of conversations are longer than 1,024 tokens/)
    await e2e.page.getByTestId('max-length').fill('1024')
    await at1024.waitFor({ timeout: 60_000 })
    expect(await e2e.page.getByTestId('cut-marker').count()).toBe(0)
    await e2e.page.getByTestId('max-length').fill('100000')
    // On the sample a lone clone serves, 1,024 is already beyond its longest conversation: wait for the new number.
    await expect.poll(() => e2e.page.getByTestId('max-length-beyond').textContent(), { timeout: 60_000 }).toMatch(/^Max length 100,000 is beyond the longest conversation \([\d,]+ tokens\): nothing is cut\.$/)
    await e2e.page.getByTestId('max-length').fill('1024')
    await at1024.waitFor({ timeout: 60_000 })
    await shot(e2e.page, '03-model-template')
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('step-rank-lr').waitFor()
  })

  it('picks rank and learning rate with the guide’s warnings, and says what is wrong with a value', async () => {
    const advice = e2e.page.getByTestId('advice')
    await e2e.page.getByTestId('preset-faster').click()
    await e2e.page.getByTestId('advice-lr-unstable').waitFor()
    await e2e.page.getByTestId('learning-rate').fill('1e-5')
    await e2e.page.getByTestId('advice-lr-slow').waitFor()
    // Not a number: the field says so, no advice about a rate nobody typed, and Continue says why it waits.
    await e2e.page.getByTestId('learning-rate').fill('abc')
    await e2e.page.getByText('Type a positive number such as 1e-4, 5e-5 or 0.0001.').waitFor()
    expect(await advice.locator('.notice').count()).toBe(0)
    expect(await e2e.page.getByTestId('continue').isDisabled()).toBe(true)
    expect(await e2e.page.getByTestId('blocked-reason').textContent()).toBe('Correct the highlighted fields to continue.')
    await e2e.page.getByTestId('learning-rate').fill('0')
    expect(await advice.locator('.notice').count()).toBe(0)
    // Far outside the guide's range: allowed, said strongly.
    await e2e.page.getByTestId('learning-rate').fill('0.1')
    expect(await e2e.page.getByTestId('advice-lr-far-high').textContent()).toContain('far above anything the guide tried')
    expect(await e2e.page.getByTestId('continue').isDisabled()).toBe(false)
    await e2e.page.getByTestId('learning-rate').fill('1e-4')
    // Above the server's maximum: only that is said about the rank, never advice to raise it.
    await e2e.page.getByTestId('rank').selectOption('128')
    await e2e.page.getByTestId('advice-rank-above-max').waitFor()
    expect(await advice.textContent()).not.toMatch(/raise/i)
    expect(await e2e.page.getByTestId('continue').isDisabled()).toBe(true)
    expect(await e2e.page.getByTestId('blocked-reason').textContent()).toBe('Pick a rank of 64 or lower to continue.')
    await e2e.page.getByTestId('preset-strong-default').click()
    expect(await e2e.page.getByTestId('advice').locator('.notice').count()).toBe(0)
    await e2e.page.getByTestId('batch-size').fill('4')
    await e2e.page.getByTestId('steps').fill('20')
    await e2e.page.getByTestId('eval-every').fill('5')
    await shot(e2e.page, '04-rank-lr')
    // Enter continues.
    await e2e.page.getByTestId('steps').press('Enter')
    await e2e.page.getByTestId('step-review').waitFor()
  })

  it('reviews the config and starts training', async () => {
    const cfg = await e2e.page.getByTestId('review-config').textContent()
    expect(cfg).toContain('sandbox/qwen3-tiny')
    expect(cfg).toContain('1e-4')
    expect(await e2e.page.getByTestId('steps-per-epoch').textContent()).toBe(String(Math.ceil(ROWS / 4))) // batch size 4
    expect(Number((await e2e.page.getByTestId('tokens-per-step').textContent())?.replace(/,/g, ''))).toBeGreaterThan(100)
    await shot(e2e.page, '05-review')
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('step-train').waitFor()
    expect(await focused(e2e.page)).toBe('H1 Training')
  })

  it('trains 20 steps with live train and test NLL, pausing and resuming on the way', async () => {
    const monitor = e2e.page.getByTestId('run-monitor')
    // The curves grow while the run trains.
    await expect.poll(async () => (await pointCounts(e2e.page)).train, { timeout: 180_000, interval: 250 }).toBeGreaterThanOrEqual(3)
    const early = await pointCounts(e2e.page)
    await shot(e2e.page, '06-train-live')
    // Pause holds the run (no new points), Resume continues it.
    await e2e.page.getByTestId('pause').click()
    await expect.poll(() => monitor.getAttribute('data-status'), { timeout: 60_000 }).toBe('paused')
    const held = (await pointCounts(e2e.page)).train
    await e2e.page.waitForTimeout(1500)
    expect((await pointCounts(e2e.page)).train).toBe(held)
    expect(await e2e.page.getByTestId('phase').getAttribute('data-phase')).toBe('paused')
    await e2e.page.getByTestId('resume').click()
    await expect.poll(() => monitor.getAttribute('data-status'), { timeout: 240_000, interval: 500 }).toBe('completed')
    const done = await pointCounts(e2e.page)
    expect(done.train).toBe(20)
    expect(done.train).toBeGreaterThan(early.train)
    // Test NLL at step 0 and every 5 steps.
    expect(done.test).toBeGreaterThanOrEqual(5)
    expect(await monitor.getAttribute('data-status')).toBe('completed')
    expect(await e2e.page.getByTestId('phase').getAttribute('data-phase')).toBe('done')
    expect(await e2e.page.getByTestId('nll-chart').getAttribute('data-points')).toBe(String(done.train + done.test))
    await e2e.page.getByTestId('train-done').waitFor()
    // The held-out set is named; the best test NLL is marked on the chart and judged in the finished banner.
    // At most 100 of the test split's usable conversations: no_robots has 4xx of them, the sample all 73.
    const evalSet = hasNoRobots ? /^test NLL on 100 conversations of the test split \(4\d\d\)/ : new RegExp(`^test NLL on ${ROWS} conversations of the test split \\(${ROWS}\\)`)
    expect(await e2e.page.getByTestId('eval-set').textContent()).toMatch(evalSet)
    const verdict = e2e.page.getByTestId('verdict')
    await verdict.waitFor()
    expect(['fine', 'too-slow', 'overfit']).toContain(await verdict.getAttribute('data-verdict'))
    const bestStep = await verdict.getAttribute('data-best-step')
    expect(await e2e.page.getByTestId('nll-chart').getAttribute('data-mark-step')).toBe(bestStep)
    expect(await e2e.page.getByTestId('best-test-nll').textContent()).toContain(`at step ${bestStep}`)
    // Grad norm per token, explained.
    await e2e.page.getByTestId('grad-norm-chart').waitFor()
    expect(await e2e.page.getByTestId('run-monitor').textContent()).toContain('Grad norm per token')
    await shot(e2e.page, '07-train-done')
  })

  it('samples base and fine-tuned side by side in the playground', async () => {
    await e2e.page.getByTestId('open-playground').click()
    await e2e.page.getByTestId('playground').waitFor()
    await e2e.page.getByTestId('playground-prompt').fill('Write a haiku about autumn leaves.')
    // Any saved checkpoint can be sampled; the best one is chosen by default.
    const choice = e2e.page.getByTestId('playground-checkpoint')
    await expect.poll(() => choice.inputValue(), { timeout: 30_000 }).toMatch(/^tinker:\/\/.*\/sampler_weights\//)
    const options = await choice.locator('option').allTextContents()
    expect(options.some((o) => o.includes('best'))).toBe(true)
    const chosen = await choice.inputValue()
    await e2e.page.getByTestId('sample').click()
    await e2e.page.getByTestId('samples').waitFor({ timeout: 120_000 })
    expect((await e2e.page.getByTestId('sample-base').textContent())?.length).toBeGreaterThan(0)
    expect((await e2e.page.getByTestId('sample-tuned').textContent())?.length).toBeGreaterThan(0)
    expect(await e2e.page.getByTestId('sample-tuned').getAttribute('data-checkpoint')).toBe(chosen)
    await shot(e2e.page, '08-playground')
  })

  it('lists the run in the history and exports CSV, config, Python and PNG without any key', async () => {
    await e2e.page.getByRole('button', { name: 'Runs', exact: true }).click()
    await e2e.page.getByTestId('run-row').first().waitFor()
    await shot(e2e.page, '09-history')
    await e2e.page.getByTestId('run-row').first().getByRole('button').first().click()
    await e2e.page.getByTestId('run-view').waitFor()
    await expect.poll(async () => (await pointCounts(e2e.page)).train, { timeout: 30_000 }).toBe(20)
    const exported: string[] = []
    // The config reads as words, and a finished run shows how long it took, not an ETA.
    const configText = (await e2e.page.getByTestId('run-view').textContent()) ?? ''
    expect(configText).toContain('local sandbox')
    expect(configText).not.toContain('{"kind"')
    expect(await e2e.page.getByTestId('train-progress').textContent()).not.toContain('ETA')
    await expect.poll(async () => Number(await e2e.page.getByTestId('run-disk').getAttribute('data-bytes')), { timeout: 30_000 }).toBeGreaterThan(0)
    const names: string[] = []
    for (const id of ['export-csv', 'export-config', 'export-python', 'export-png', 'export-datums']) {
      const [download] = await Promise.all([e2e.page.waitForEvent('download'), e2e.page.getByTestId(id).click()])
      const file = await download.path()
      names.push(download.suggestedFilename())
      exported.push(fs.readFileSync(file, id === 'export-png' ? 'latin1' : 'utf8'))
      if (id === 'export-png') {
        expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
        // The chart (drawn at twice its size) with a heading above it.
        const chart = await e2e.page.getByTestId('nll-chart').boundingBox()
        const png = pngSize(file)
        expect(Math.abs(png.width - chart!.width * 2)).toBeLessThanOrEqual(2)
        expect(png.height).toBeGreaterThan(Math.round(chart!.height * 2) + 100)
      }
      if (id === 'export-python') expect(exported[exported.length - 1]).toContain('import tinker')
      if (id === 'export-datums') expect(exported[exported.length - 1].split('\n')[0]).toContain('tuft-studio-datums-v1')
    }
    // One naming rule: the run's name, what the file holds, its extension (config and script target the best step).
    expect(names).toEqual(['metrics.csv', 'best-config.json', 'best-train.py', 'nll.png', 'datums.jsonl'].map((kind) => `HuggingFaceH4-no_robots-r32-lr1e-4-${kind}`))
    expect(exported[0].split('\n').length).toBeGreaterThan(20)
    await shot(e2e.page, '10-run-detail')

    const secrets = e2e.studio.app.sandbox.secretValues()
    expect(secrets.length).toBeGreaterThan(0)
    const dom = await pageText(e2e.page)
    for (const secret of secrets) {
      expect(dom).not.toContain(secret)
      for (const f of exported) expect(f).not.toContain(secret)
      for (const l of e2e.studio.logs) expect(l).not.toContain(secret)
      for (const l of e2e.console) expect(l).not.toContain(secret)
    }
  })

  it('opens into the run history, not the wizard, once a run has completed', async () => {
    await e2e.page.reload()
    await e2e.page.getByTestId('history').waitFor({ timeout: 30_000 })
    expect(await e2e.page.getByTestId('wizard').count()).toBe(0)
  })

  it('serves the imported dataset from the cache, with the offline badge, when the hub is unreachable', async () => {
    // "New run" after a finished run opens a fresh wizard, not that run's training screen.
    await e2e.page.getByRole('button', { name: 'New run', exact: true }).click()
    await e2e.page.getByTestId('step-connect').waitFor()
    expect(await e2e.page.getByTestId('step-train').count()).toBe(0)
    await e2e.page.getByTestId('use-sandbox').click()
    await e2e.page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    await e2e.page.getByTestId('continue').click()
    mirror.setFaults({ refuse: true })
    // Imported datasets are offered first; the hub tab still serves no_robots from the cache.
    await e2e.page.getByTestId('cached-card').waitFor()
    await e2e.page.getByTestId('source-hub').click()
    await e2e.page.getByTestId('import').click()
    await e2e.page.getByTestId('offline-badge').waitFor({ timeout: 120_000 })
    expect(await e2e.page.getByTestId('split-train').textContent()).toContain(`${ROWS} conversations`)
    await shot(e2e.page, '02-dataset-offline')
  })
})
