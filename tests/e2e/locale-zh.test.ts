/**
 * Simplified Chinese from the first screen: the language switch on the wizard's first step turns the whole
 * UI Chinese at once; a short run on the sandbox (the bundled sample dataset, imported as a local file)
 * goes through every wizard step in Chinese; the choice survives a reload. Each screen's text — data such
 * as conversations and token pieces aside — must hold no English prose (code, ids and product names
 * excepted). Screenshots go to docs/screenshots/zh-CN/.
 */
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { englishWords } from '../helpers/english-prose'
import { launchChromium, openApp, shot, startStudio, type Studio, screenshotOnFailure } from './harness'

let studio: Studio
let browser: Browser
let page: Page

/** The language switch shows each language in its own script; that one English word is meant to be there. */
const SWITCH_LABEL = ['English']

/** The text a reader meets on the page, without the dataset's own content (conversations, token pieces). */
const uiText = (p: Page): Promise<string> =>
  p.evaluate(() => {
    type El = { closest(s: string): unknown }
    type TextNode = { textContent: string | null; parentElement: El | null }
    const g = globalThis as unknown as {
      document: { body: unknown; createTreeWalker(root: unknown, what: number): { nextNode(): TextNode | null } }
    }
    const data = '[data-testid="conversation"], [data-testid="token-view"], .sample-text, script, style'
    const walker = g.document.createTreeWalker(g.document.body, 4)
    const parts: string[] = []
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest(data)) parts.push(n.textContent ?? '')
    return parts.join(' ')
  })

const expectChinese = async (p: Page, screen: string): Promise<void> => {
  const text = await uiText(p)
  expect(text, screen).toMatch(/[\u4e00-\u9fff]/)
  expect(englishWords(text, SWITCH_LABEL), screen).toEqual([])
}

const zhShot = (p: Page, name: string): Promise<void> => shot(p, path.join('zh-CN', name))

beforeAll(async () => {
  // The connect step shows the sandbox key's last four characters: digits, so they never read as an English word.
  studio = await startStudio({ TUFT_STUDIO_SANDBOX_KEY: 'tml-zh-e2e-sandbox-key-0042' })
  browser = await launchChromium()
  ;({ page } = await openApp(browser, studio))
})
afterEach((ctx) => screenshotOnFailure(ctx, page))
afterAll(async () => {
  await browser?.close()
  await studio?.close()
})

describe('简体中文', () => {
  it('starts in the browser’s English, and switches to Chinese from the first screen', async () => {
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await page.getByRole('heading', { name: 'Connect to a TuFT server' }).waitFor()
    await page.getByTestId('locale-zh-CN').click()
    await page.getByRole('heading', { name: '连接 TuFT 服务器' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    expect(await page.getByTestId('locale-zh-CN').getAttribute('aria-pressed')).toBe('true')
    await expectChinese(page, 'connect')
    await zhShot(page, '01-connect')

    await page.getByTestId('use-sandbox').click()
    await page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('connection-report').textContent()).toContain('已连接')
    await expectChinese(page, 'connected')
    await page.getByTestId('continue').click()
    await page.getByTestId('step-dataset').waitFor()
  })

  it('imports a local file and reviews a run, every step in Chinese', async () => {
    await page.getByTestId('source-sample').click()
    await page.getByTestId('import').click()
    await expect.poll(() => page.getByTestId('import-report').textContent(), { timeout: 120_000 }).toContain('sample-chat')
    expect(await page.getByTestId('import-report').textContent()).toMatch(/\d+ 条对话/)
    await page.getByTestId('conversation').first().waitFor()
    await expectChinese(page, 'dataset')
    await zhShot(page, '02-dataset')
    await page.getByTestId('continue').click()

    await page.getByTestId('tokenizer-ready').waitFor({ timeout: 120_000 })
    await page.getByTestId('token-view').waitFor({ timeout: 60_000 })
    await page.getByTestId('truncated-share').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('truncated-share').textContent()).toMatch(/的对话超过 [\d,]+ 个 token，训练时会被截断/)
    await expectChinese(page, 'model')
    await zhShot(page, '03-model-template')
    await page.getByTestId('continue').click()

    await page.getByTestId('step-rank-lr').waitFor()
    await page.getByTestId('preset-faster').click()
    await page.getByTestId('advice-lr-unstable').waitFor()
    await page.getByTestId('batch-size').fill('4')
    // Left empty, steps come from epochs, said exactly.
    expect(await page.getByTestId('steps-epochs').textContent()).toMatch(/^52 步 = 在实际参与训练的 69 条对话上训练 3\.01 轮/)
    await page.getByTestId('steps').fill('40')
    await page.getByTestId('eval-every').fill('5')
    await expectChinese(page, 'rank-lr')
    await zhShot(page, '04-rank-lr')
    await page.getByTestId('continue').click()

    await page.getByTestId('step-review').waitFor()
    expect(await page.getByTestId('review-config').textContent()).toContain('学习率')
    // 4 held-out conversations of 73 are too few: a larger slice is offered.
    expect(await page.getByTestId('eval-plan').textContent()).toContain('测试 NLL 基于 4 条留出对话（73 条中的 5%）')
    expect(await page.getByTestId('eval-plan').getAttribute('data-too-small')).toBe('true')
    await page.getByTestId('eval-larger-fraction').waitFor()
    await expectChinese(page, 'review')
    await zhShot(page, '05-review')
  })

  it('trains on the sandbox with Chinese phases, progress and charts', async () => {
    await page.getByTestId('continue').click()
    const monitor = page.getByTestId('run-monitor')
    // LR 1e-3 on 69 conversations overfits within 40 steps: the chart says so while it trains…
    await page.getByTestId('live-note').waitFor({ timeout: 180_000 })
    expect(await page.getByTestId('live-note').textContent()).toMatch(/^过拟合：测试 NLL 比最佳值（第 \d+ 步的/)
    await expect.poll(() => monitor.getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('completed')
    await page.getByTestId('train-done').waitFor()
    expect(await page.getByTestId('phase').textContent()).toContain('完成')
    // …and the finished banner, with the guide's fixes.
    expect(await page.getByTestId('verdict').getAttribute('data-verdict')).toBe('overfit')
    expect(await page.getByTestId('train-done').textContent()).toContain('训练完成：过拟合')
    const best = Number(await page.getByTestId('verdict').getAttribute('data-best-step'))
    expect(await page.getByTestId('fix-fewer-steps').textContent()).toBe(`以 ${best} 步重新训练`)
    await page.getByTestId('fix-lower-lr').waitFor()
    await expectChinese(page, 'train')
    await zhShot(page, '06-train-done')
  })

  it('remembers Chinese across a reload, on every page', async () => {
    await page.reload()
    await page.getByTestId('history').waitFor({ timeout: 30_000 })
    await page.getByRole('heading', { name: '运行记录' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    await page.getByTestId('run-row').first().waitFor()
    expect(await page.getByTestId('run-row').first().textContent()).toMatch(/已完成.*\d{4}年\d{1,2}月\d{1,2}日/)
    await expectChinese(page, 'history')
    await zhShot(page, '07-history')

    await page.getByRole('button', { name: 'SFT 还是 RL？' }).click()
    await page.getByTestId('sft-or-rl').waitFor()
    await expectChinese(page, 'sft-or-rl')
    await zhShot(page, '08-sft-or-rl')

    await page.getByRole('button', { name: '设置', exact: true }).click()
    await page.getByTestId('settings').waitFor()
    expect(await page.getByTestId('settings-locale').inputValue()).toBe('zh-CN')
    await expectChinese(page, 'settings')
    await zhShot(page, '09-settings')
  })

  it('goes back to following the system from Settings', async () => {
    await page.getByTestId('settings-locale').selectOption('')
    await page.getByRole('heading', { name: 'Settings' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await page.reload()
    await page.getByRole('heading', { name: 'Runs' }).waitFor({ timeout: 30_000 })
  })
})
