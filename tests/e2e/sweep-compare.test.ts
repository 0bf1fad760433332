/**
 * After the wizard: a rank × LR sweep started from the wizard (on a local-file dataset), its live table and
 * recommendation, the comparison of its curves with the recommended cell highlighted, the run history, the
 * settings page and the "SFT or RL?" page — with screenshots for docs/screenshots/.
 */
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { repoRoot } from '../helpers/hub-mirror'
import { launchChromium, openApp, shot, startStudio, type Studio, screenshotOnFailure } from './harness'

const FIXTURE = path.resolve(repoRoot, '../shared/fixtures/no_robots/test.jsonl')

let studio: Studio
let browser: Browser
let page: Page

beforeAll(async () => {
  studio = await startStudio()
  browser = await launchChromium()
  ;({ page } = await openApp(browser, studio))
})
afterEach((ctx) => screenshotOnFailure(ctx, page))
afterAll(async () => {
  await browser?.close()
  await studio?.close()
})

describe('sweeps, comparison and the pages around the wizard', () => {
  it('sends an empty Compare to the run list', async () => {
    await page.getByRole('button', { name: 'Compare', exact: true }).click()
    await page.getByTestId('compare-empty').waitFor()
    await page.getByTestId('compare-go-runs').click()
    await page.getByTestId('history').waitFor()
    await page.getByRole('button', { name: 'New run', exact: true }).click()
    await page.getByTestId('step-connect').waitFor()
  })

  it('shows the SFT-or-RL page from the wizard and comes back', async () => {
    await page.getByTestId('sft-or-rl-link').click()
    await page.getByTestId('sft-or-rl').waitFor()
    expect(await page.getByTestId('sft-or-rl').textContent()).toContain('Reward')
    await shot(page, '00-sft-or-rl')
    await page.getByRole('button', { name: 'Back to the wizard' }).click()
    await page.getByTestId('step-connect').waitFor()
  })

  it('imports a local file and starts a 2 × 2 sweep from the wizard', async () => {
    await page.getByTestId('use-sandbox').click()
    await page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    await page.getByTestId('continue').click()
    await page.getByTestId('source-file').click()
    await page.getByTestId('file-path').fill(FIXTURE)
    await page.getByTestId('import').click()
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('import-report').textContent()).toContain('500 conversations')
    await page.getByTestId('continue').click()
    await page.getByTestId('truncated-share').waitFor({ timeout: 120_000 })
    await page.getByTestId('continue').click()
    await page.getByTestId('batch-size').fill('4')
    await page.getByTestId('steps').fill('8')
    await page.getByTestId('eval-every').fill('4')
    await page.getByTestId('sweep-toggle').check()
    expect(await page.getByText('4 runs').count()).toBe(1)
    await page.getByTestId('continue').click()
    expect(await page.getByTestId('review-config').textContent()).toContain('ranks 8, 32 × LR 1e-4, 1e-3')
    await page.getByTestId('continue').click()
    await page.getByTestId('sweep-table').waitFor()
  })

  it('follows the sweep live and recommends a cell', async () => {
    // Until every cell has finished there is no recommendation, only how many have.
    expect(await page.getByTestId('sweep-progress').textContent()).toMatch(/^\d of 4 finished/)
    await page.getByTestId('sweep-recommendation').waitFor({ timeout: 400_000 })
    expect(await page.getByTestId('sweep-recommendation').textContent()).toMatch(/^Recommended: rank \d+, LR [0-9e-]+, stop at step \d+ \(best test NLL [0-9.]+\)/)
    expect(await page.getByTestId('cell-verdict').count()).toBe(4)
    expect(await page.getByTestId('sweep-table').locator('tbody tr').count()).toBe(4)
    expect(await page.getByTestId('sweep-table').locator('tr.recommended').count()).toBe(1)
    await shot(page, '14-sweep')
    // The playground opens on the recommended cell, not on whichever run happens to be first.
    const recommended = await page.getByTestId('sweep-table').locator('tr.recommended').getAttribute('data-run-id')
    expect(recommended).toBeTruthy()
    await page.getByTestId('open-playground').click()
    await page.getByTestId('playground').waitFor()
    await expect.poll(() => page.getByTestId('playground-run').inputValue(), { timeout: 30_000 }).toBe(recommended)
    await page.getByRole('button', { name: 'New run' }).click()
    await page.getByTestId('sweep-table').waitFor()
  })

  it('overlays the sweep’s train and test NLL with the recommended run highlighted', async () => {
    await page.getByRole('button', { name: 'Compare this sweep' }).click()
    await page.getByTestId('compare').waitFor()
    await expect.poll(async () => Number(await page.getByTestId('compare-train').getAttribute('data-points')), { timeout: 30_000 }).toBe(4 * 8)
    expect(Number(await page.getByTestId('compare-test').getAttribute('data-points'))).toBeGreaterThanOrEqual(4 * 2)
    expect(await page.locator('tr.recommended').count()).toBe(1)
    await shot(page, '15-compare')
  })

  it('lists every run in the history, renames and deletes one, and shows the settings', async () => {
    await page.getByRole('button', { name: 'Runs', exact: true }).click()
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(4)
    await shot(page, '16-history-sweep')
    // Rename one run, then delete it (after confirming).
    await page.getByTestId('run-row').first().getByRole('button').first().click()
    await page.getByTestId('run-view').waitFor()
    await page.getByRole('button', { name: 'Rename' }).click()
    await page.getByRole('textbox', { name: 'New name' }).fill('renamed run')
    await page.getByRole('textbox', { name: 'New name' }).press('Enter')
    await page.getByRole('heading', { name: /renamed run/ }).waitFor()
    await page.getByRole('button', { name: 'Delete' }).click()
    await page.getByTestId('confirm-delete').click()
    await page.getByTestId('history').waitFor()
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(3)
    expect(await page.getByText('renamed run').count()).toBe(0)
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    await expect.poll(() => page.getByTestId('cache-size').textContent(), { timeout: 30_000 }).toMatch(/\d+(\.\d)? (KB|MB)/)
    await expect.poll(() => page.getByTestId('checkpoint-total').textContent(), { timeout: 30_000 }).toMatch(/across 3 runs/)
    await shot(page, '17-settings')
  })
})
