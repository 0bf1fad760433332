/**
 * After the wizard: a rank × LR sweep started from the wizard (on a local-file dataset, with the guide's 5e-5
 * typed in), its live table, overall progress and recommendation, the comparison of its curves with the
 * recommended cell highlighted, the run history (readable at a laptop's width), the settings page and the
 * "SFT or RL?" page — with screenshots for docs/screenshots/.
 */
import { describe, expect, it } from 'vitest'
import { CHAT_JSONL, readChatRows } from '../helpers/fixtures'
import { shot, useStudio } from './harness'

const e2e = useStudio()
/** Each run's colour in the live sweep chart, by run id: the same run keeps it on every other screen. */
let sweepColors: Record<string, string> = {}
const runColorsOf = async (testId: string): Promise<Record<string, string>> => JSON.parse((await e2e.page.getByTestId(testId).getAttribute('data-run-colors')) ?? '{}') as Record<string, string>

describe('sweeps, comparison and the pages around the wizard', () => {
  it('sends an empty Compare to the run list', async () => {
    await e2e.page.getByRole('button', { name: 'Compare', exact: true }).click()
    await e2e.page.getByTestId('compare-empty').waitFor()
    await e2e.page.getByTestId('compare-go-runs').click()
    await e2e.page.getByTestId('history').waitFor()
    await e2e.page.getByRole('button', { name: 'New run', exact: true }).click()
    await e2e.page.getByTestId('step-connect').waitFor()
  })

  it('shows the SFT-or-RL page from the wizard and comes back', async () => {
    await e2e.page.getByTestId('sft-or-rl-link').click()
    await e2e.page.getByTestId('sft-or-rl').waitFor()
    expect(await e2e.page.getByTestId('sft-or-rl').textContent()).toContain('Reward')
    await shot(e2e.page, '00-sft-or-rl')
    await e2e.page.getByRole('button', { name: 'Back to the wizard' }).click()
    await e2e.page.getByTestId('step-connect').waitFor()
  })

  it('imports a local file and starts a 2 × 2 sweep from the wizard', async () => {
    await e2e.page.getByTestId('use-sandbox').click()
    await e2e.page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    await e2e.page.getByTestId('continue').click()
    // Chosen like a user would (browser mode uploads it to the bridge).
    await e2e.page.getByTestId('step-dataset').waitFor()
    await e2e.page.getByTestId('file-input').setInputFiles(CHAT_JSONL)
    await expect.poll(() => e2e.page.getByTestId('import-report').textContent(), { timeout: 120_000 }).toContain(`${readChatRows().length} conversations`)
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('truncated-share').waitFor({ timeout: 120_000 })
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('batch-size').fill('4')
    await e2e.page.getByTestId('steps').fill('8')
    await e2e.page.getByTestId('eval-every').fill('4')
    await e2e.page.getByTestId('sweep-toggle').check()
    expect(await e2e.page.getByText('4 runs').count()).toBe(1)
    // The sweep decides rank and LR: the single fields say so and cannot be edited.
    await e2e.page.getByTestId('sweep-active').waitFor()
    expect(await e2e.page.getByTestId('learning-rate').isDisabled()).toBe(true)
    expect(await e2e.page.getByTestId('rank').isDisabled()).toBe(true)
    // Values the grid does not offer are typed in, checked like the single fields.
    await e2e.page.getByTestId('sweep-lrs').getByLabel('1e-3').uncheck()
    await e2e.page.getByTestId('sweep-add-lr').fill('abc')
    await e2e.page.getByTestId('sweep-add-lr').press('Enter')
    await e2e.page.getByText('Type a positive number such as 1e-4, 5e-5 or 0.0001.').waitFor()
    await e2e.page.getByTestId('sweep-add-lr').fill('5e-5')
    await e2e.page.getByTestId('sweep-add-lr').press('Enter')
    await e2e.page.getByTestId('sweep-add-rank').fill('128')
    await e2e.page.getByTestId('sweep-add-rank-button').click()
    expect(await e2e.page.getByTestId('sweep-ranks').getByRole('alert').textContent()).toBe('above the server’s maximum (64)')
    expect(await e2e.page.getByTestId('sweep-cells').textContent()).toBe('4 runs')
    await e2e.page.getByTestId('continue').click()
    expect(await e2e.page.getByTestId('review-config').textContent()).toContain('ranks 8, 32 × LR 5e-5, 1e-4')
    await e2e.page.getByTestId('continue').click()
    await e2e.page.getByTestId('sweep-table').waitFor()
    const progress = e2e.page.getByTestId('sweep-progress-detail')
    expect(await progress.getAttribute('data-cells-total')).toBe('4')
    await expect.poll(() => progress.getAttribute('data-steps-total'), { timeout: 60_000 }).toBe('32')
  })

  it('follows the sweep live, with runs and steps done of the whole grid, and recommends a cell', async () => {
    const progress = e2e.page.getByTestId('sweep-progress-detail')
    await expect.poll(async () => Number(await progress.getAttribute('data-steps-done')), { timeout: 300_000, interval: 250 }).toBeGreaterThan(0)
    expect(await progress.textContent()).toMatch(/^\d+ of 32 steps · ETA /)
    // Until every cell has finished there is no recommendation, only how many have.
    expect(await e2e.page.getByTestId('sweep-recommendation').count()).toBe(0)
    await e2e.page.getByTestId('sweep-recommendation').waitFor({ timeout: 400_000 })
    expect(await progress.getAttribute('data-cells-finished')).toBe('4')
    expect(await progress.getAttribute('data-steps-done')).toBe('32')
    expect(await e2e.page.getByTestId('sweep-progress').textContent()).toContain('4 of 4 runs finished')
    expect(await e2e.page.getByTestId('sweep-recommendation').textContent()).toMatch(/^Recommended: rank \d+, LR [0-9e-]+, stop at step \d+ \(best test NLL [0-9.]+\)/)
    expect(await e2e.page.getByTestId('cell-verdict').count()).toBe(4)
    expect(await e2e.page.getByTestId('sweep-table').locator('tbody tr').count()).toBe(4)
    expect(await e2e.page.getByTestId('sweep-table').locator('tr.recommended').count()).toBe(1)
    await shot(e2e.page, '14-sweep')
    sweepColors = await runColorsOf('sweep-chart')
    expect(new Set(Object.values(sweepColors)).size).toBe(4)
    // The playground opens on the recommended cell, not on whichever run happens to be first.
    const recommended = await e2e.page.getByTestId('sweep-table').locator('tr.recommended').getAttribute('data-run-id')
    expect(recommended).toBeTruthy()
    await e2e.page.getByTestId('open-playground').click()
    await e2e.page.getByTestId('playground').waitFor()
    await expect.poll(() => e2e.page.getByTestId('playground-run').inputValue(), { timeout: 30_000 }).toBe(recommended)
    // "New run" is a new run: a fresh wizard; the sweep lives on in the run history.
    await e2e.page.getByRole('button', { name: 'New run' }).click()
    await e2e.page.getByTestId('step-connect').waitFor()
    expect(await e2e.page.getByTestId('sweep-table').count()).toBe(0)
    await e2e.page.getByRole('button', { name: 'Runs', exact: true }).click()
    await e2e.page.getByTestId('history').waitFor()
  })

  it('overlays the sweep’s train and test NLL with the recommended run highlighted', async () => {
    await e2e.page.getByRole('button', { name: 'Compare this sweep' }).click()
    await e2e.page.getByTestId('compare').waitFor()
    await expect.poll(async () => Number(await e2e.page.getByTestId('compare-train').getAttribute('data-points')), { timeout: 30_000 }).toBe(4 * 8)
    expect(Number(await e2e.page.getByTestId('compare-test').getAttribute('data-points'))).toBeGreaterThanOrEqual(4 * 2)
    expect(await e2e.page.locator('tr.recommended').count()).toBe(1)
    expect(await runColorsOf('compare-train')).toEqual(sweepColors)
    expect(await runColorsOf('compare-test')).toEqual(sweepColors)
    await shot(e2e.page, '15-compare')
  })

  it('lists every run in the history, renames and deletes one, and shows the settings', async () => {
    await e2e.page.getByRole('button', { name: 'Runs', exact: true }).click()
    await expect.poll(() => e2e.page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(4)
    await shot(e2e.page, '16-history-sweep')
    // At a laptop's width the LR and "8 / 8" stay on one line each.
    await e2e.page.setViewportSize({ width: 1024, height: 800 })
    const lines = (testId: string): Promise<number[]> =>
      e2e.page.getByTestId(testId).evaluateAll((cells) =>
        cells.map((c) => {
          const g = globalThis as unknown as { document: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { top: number }[] } } }
          const r = g.document.createRange()
          r.selectNodeContents(c)
          return new Set(Array.from(r.getClientRects(), (x) => Math.round(x.top))).size
        }),
      )
    expect(await lines('run-lr')).toEqual([1, 1, 1, 1])
    expect(await lines('run-steps')).toEqual([1, 1, 1, 1])
    await e2e.page.setViewportSize({ width: 1440, height: 960 })
    // Rename one run, then delete it (after confirming).
    await e2e.page.getByTestId('run-row').first().getByRole('button').first().click()
    await e2e.page.getByTestId('run-view').waitFor()
    // The run's page draws its train NLL in the colour the sweep and Compare gave the run.
    const own = await runColorsOf('nll-chart')
    expect(Object.keys(own)).toHaveLength(1)
    expect(sweepColors[Object.keys(own)[0]]).toBe(Object.values(own)[0])
    await e2e.page.getByRole('button', { name: 'Rename' }).click()
    await e2e.page.getByRole('textbox', { name: 'New name' }).fill('renamed run')
    await e2e.page.getByRole('textbox', { name: 'New name' }).press('Enter')
    await e2e.page.getByRole('heading', { name: /renamed run/ }).waitFor()
    await e2e.page.getByRole('button', { name: 'Delete' }).click()
    await e2e.page.getByTestId('confirm-delete').click()
    await e2e.page.getByTestId('history').waitFor()
    await expect.poll(() => e2e.page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(3)
    expect(await e2e.page.getByText('renamed run').count()).toBe(0)
    await e2e.page.getByRole('button', { name: 'Settings', exact: true }).click()
    await expect.poll(() => e2e.page.getByTestId('cache-size').textContent(), { timeout: 30_000 }).toMatch(/\d+(\.\d)? (KB|MB)/)
    await expect.poll(() => e2e.page.getByTestId('checkpoint-total').textContent(), { timeout: 30_000 }).toMatch(/across 3 runs/)
    await shot(e2e.page, '17-settings')
  })
})
