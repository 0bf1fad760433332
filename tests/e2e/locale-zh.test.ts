/**
 * Simplified Chinese from the first screen: the language switch on the wizard's first step turns the whole
 * UI Chinese at once; a short run on the sandbox (the bundled sample dataset, imported as a local file)
 * goes through every wizard step in Chinese; the choice survives a reload. The three troubleshooting hints
 * read in Chinese with their fixes applied (a rejected key, also from TINKER_API_KEY; the hub unreachable,
 * then imported through the mirror; out of memory, then resumed with the guide's first fix), and so do an
 * import report with rejected rows, a 2 × 2 sweep followed to its recommendation, Compare, the playground,
 * the run's page and the history. Each screen's text — data such as conversations, excerpts, token pieces,
 * model replies and a server's own words aside — must hold no English prose (code, ids and product names
 * excepted), and table cells stay on one line. Screenshots go to docs/screenshots/zh-CN/.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { englishWords } from '../helpers/english-prose'
import { openApp, shot, startStudio, useHintStudio } from './harness'

const GOOD_KEY = 'tml-zh-e2e-good-key-7c2e'
const WRONG_KEY = 'tml-zh-e2e-wrong-key-3318'
const ENV_KEY = 'tml-zh-e2e-env-key-5521'

// The connect step shows the built-in sandbox key's last four characters: digits, so they never read as an English word.
const { e2e, servers } = useHintStudio({ apiKey: GOOD_KEY, env: { TUFT_STUDIO_SANDBOX_KEY: 'tml-zh-e2e-sandbox-key-0042' } })

/** The language switch shows each language in its own script; that one English word is meant to be there. */
const SWITCH_LABEL = ['English']

/**
 * The text a reader meets on the page, without data: the dataset's conversations, excerpts and token pieces,
 * model replies, and what a server, the system or a parser said in its own words (quoted as it came).
 */
const uiText = (p: Page): Promise<string> =>
  p.evaluate(() => {
    type El = { closest(s: string): unknown }
    type TextNode = { textContent: string | null; parentElement: El | null }
    const g = globalThis as unknown as {
      document: { body: unknown; createTreeWalker(root: unknown, what: number): { nextNode(): TextNode | null } }
    }
    const data = '[data-testid="conversation"], [data-testid="token-view"], .sample-text, .excerpt, .quoted, script, style'
    const walker = g.document.createTreeWalker(g.document.body, 4)
    const parts: string[] = []
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest(data)) parts.push(n.textContent ?? '')
    return parts.join(' ')
  })

/** `fromData`: words the screen quotes from the data (a role as a file spells it). */
const expectChinese = async (p: Page, screen: string, fromData: string[] = []): Promise<void> => {
  const text = await uiText(p)
  expect(text, screen).toMatch(/[\u4e00-\u9fff]/)
  expect(englishWords(text, [...SWITCH_LABEL, ...fromData]), screen).toEqual([])
}

const zhShot = (p: Page, name: string): Promise<void> => shot(p, path.join('zh-CN', name))

/**
 * The cells of a table whose text takes more than one line, at a laptop's width and at the screenshots' width.
 * Run names (the user's own words, drawn as links) may wrap.
 */
async function wrappedCells(p: Page, table: string): Promise<string[]> {
  const wrapped: string[] = []
  for (const width of [1024, 1440]) {
    await p.setViewportSize({ width, height: 960 })
    const cells = await p.getByTestId(table).locator('tbody td, tbody th').evaluateAll((els) =>
      els.flatMap((c) => {
        type Node = { textContent: string | null; querySelector(s: string): unknown }
        type Rect = { top: number; bottom: number; width: number }
        const g = globalThis as unknown as { document: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): ArrayLike<Rect> } } }
        const cell = c as unknown as Node
        if (cell.querySelector('.linklike')) return []
        const r = g.document.createRange()
        r.selectNodeContents(c)
        // Boxes of one line overlap vertically (a badge sits higher than the text beside it); a new line starts below.
        let lines = 0
        let bottom = Number.NEGATIVE_INFINITY
        for (const x of Array.from(r.getClientRects()).filter((b) => b.width > 0).sort((a, b) => a.top - b.top)) {
          if (x.top >= bottom - 1) lines++
          bottom = x.top >= bottom - 1 ? x.bottom : Math.max(bottom, x.bottom)
        }
        return lines > 1 ? [(cell.textContent ?? '').trim()] : []
      }),
    )
    wrapped.push(...cells.map((c) => `${width}px: ${c}`))
  }
  return wrapped
}

/** Faults of the app's built-in sandbox, set through its control route with its own key. */
async function setSandboxFaults(faults: Record<string, number | null>): Promise<void> {
  const sb = e2e.studio.app.sandbox.handle()
  if (!sb) throw new Error('the sandbox is not running')
  const r = await fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': sb.apiKey }, body: JSON.stringify(faults) })
  expect(r.status).toBe(200)
}

describe('简体中文', () => {
  it('starts in the browser’s English, and switches to Chinese from the first screen', async () => {
    const page = e2e.page
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await page.getByRole('heading', { name: 'Connect to a TuFT server' }).waitFor()
    await page.getByTestId('locale-zh-CN').click()
    await page.getByRole('heading', { name: '连接 TuFT 服务器' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    expect(await page.getByTestId('locale-zh-CN').getAttribute('aria-pressed')).toBe('true')
    await expectChinese(page, 'connect')
    await zhShot(page, '01-connect')
  })

  it('a rejected key: says in Chinese which key was sent and from where', async () => {
    const page = e2e.page
    await page.getByTestId('server-url').fill(servers.sandbox.url)
    await page.getByTestId('api-key').fill(WRONG_KEY)
    await page.getByTestId('test-connection').click()
    const hint = page.getByTestId('hint')
    await hint.waitFor({ timeout: 60_000 })
    expect(await hint.getAttribute('data-code')).toBe('invalid-api-key')
    expect(await page.getByTestId('hint-message').textContent()).toBe(`服务器 ${servers.sandbox.url} 拒绝了末尾为 …3318 的密钥。服务器返回：Invalid API key`)
    const facts = await page.getByTestId('hint-key-facts').textContent()
    expect(facts).toContain('发送的是 …3318：TuFT Studio 设置中保存的密钥。')
    expect(facts).toContain('没有设置 TINKER_API_KEY。')
    await expectChinese(page, 'hint-bad-key')
    await zhShot(page, '10-hint-bad-key')
    await page.getByTestId('use-sandbox').click()
    await page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('connection-report').textContent()).toContain('已连接')
    await expectChinese(page, 'connected')
    await page.getByTestId('continue').click()
    await page.getByTestId('step-dataset').waitFor()
  })

  it('a rejected TINKER_API_KEY: names the variable, then says the typed key wins over it', async () => {
    const other = await startStudio({ TINKER_API_KEY: ENV_KEY })
    const { page: p } = await openApp(e2e.browser, other)
    try {
      await p.getByTestId('locale-zh-CN').click()
      await p.getByTestId('server-url').fill(servers.sandbox.url)
      expect(await p.getByTestId('api-key').getAttribute('placeholder')).toBe('留空则使用 TINKER_API_KEY（…5521）')
      await p.getByTestId('test-connection').click()
      await p.getByTestId('hint').waitFor({ timeout: 60_000 })
      expect(await p.getByTestId('hint-key-facts').textContent()).toContain('发送的是 …5521：来自环境变量 TINKER_API_KEY（应用中未保存密钥）。')
      await expectChinese(p, 'hint-env-key')
      await zhShot(p, '11-hint-env-key')
      await p.getByTestId('api-key').fill(WRONG_KEY)
      await p.getByTestId('test-connection').click()
      await expect.poll(() => p.getByTestId('hint-key-facts').textContent(), { timeout: 60_000 }).toContain('3318')
      // A typed key is stored, and the stored key is what is sent from then on: the variable is named as the other key.
      const facts = await p.getByTestId('hint-key-facts').textContent()
      expect(facts).toContain('TINKER_API_KEY 是 …5521，和已保存的密钥不同；两者都有时以已保存的密钥为准。')
      // …and that in exported scripts the variable may win over the key passed in code, as the guide's FAQ says.
      expect(facts).toContain('在部分 Tinker SDK 版本中，它会覆盖代码里传入的密钥。')
      await expectChinese(p, 'hint-env-key-typed')
    } finally {
      await p.context().close()
      await other.close()
    }
  })

  it('the hub unreachable: the hint in Chinese, and one click imports through the mirror', async () => {
    const page = e2e.page
    await page.getByTestId('source-hub').click()
    await page.getByTestId('hf-endpoint').fill('http://127.0.0.1:9')
    await page.getByTestId('import').click()
    const hint = page.getByTestId('hint')
    await hint.waitFor({ timeout: 120_000 })
    expect(await hint.getAttribute('data-code')).toBe('hf-unreachable')
    expect(await page.getByTestId('hint-message').textContent()).toMatch(/^无法连接 http:\/\/127\.0\.0\.1:9\/\S+。原始报错：/)
    expect(await page.getByTestId('hint-hub-tried').textContent()).toBe('已尝试：http://127.0.0.1:9。')
    expect(await page.getByTestId('hint-action').textContent()).toBe(`改用 ${servers.mirror.url} 并重试`)
    await expectChinese(page, 'hint-hub')
    await zhShot(page, '12-hint-hub-unreachable')
    await page.getByTestId('hint-action').click()
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('hf-endpoint').inputValue()).toBe(servers.mirror.url)
    await expectChinese(page, 'dataset-hub')
  })

  it('reports rejected and odd rows of an uploaded file, and a file with none usable, in Chinese', async () => {
    const page = e2e.page
    const upload = (name: string, rows: unknown[]) =>
      page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.from(rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')) })
    await page.getByTestId('source-file').click()
    await upload('zh-rows.jsonl', [
      { messages: [{ role: 'user', content: '什么是 LoRA？' }, { role: 'assistant', content: '低秩适配器。' }] },
      '{"messages": [{"role": "user", "content": "写到一半',
      { messages: [{ role: 'user', content: '你好' }, { role: 'assistant', content: '' }] },
      { messages: [{ role: 'robot', content: '你好' }, { role: 'assistant', content: '你好！' }] },
      { messages: [{ role: 'assistant', content: '有什么可以帮你？' }, { role: 'user', content: '解释一下 NLL。' }, { role: 'assistant', content: '负对数似然。' }] },
      { messages: [{ role: 'user', content: '第一个问题' }, { role: 'user', content: '第二个问题' }, { role: 'assistant', content: '都回答了。' }] },
    ])
    await expect.poll(() => page.getByTestId('import-report').textContent(), { timeout: 60_000 }).toContain('zh-rows')
    const examples = page.getByTestId('rejections').getByTestId('row-example')
    expect(await page.locator('[data-testid="rejections"] tr[data-reason="empty-content"]').getByTestId('row-example').textContent()).toContain('第 2 轮（助手）内容为空')
    expect(await page.locator('[data-testid="rejections"] tr[data-reason="not-json"]').getByTestId('row-example').textContent()).toContain('解析器报错：')
    expect(await examples.count()).toBe(3)
    await expectChinese(page, 'dataset-report', ['robot'])
    await zhShot(page, '13-dataset-report')

    await upload('zh-none.jsonl', [{ messages: [{ role: 'user', content: '没有回答' }] }, '{"messages": ['])
    await page.getByTestId('hint').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('hint').getAttribute('data-code')).toBe('dataset-no-usable-rows')
    expect(await page.getByTestId('hint-message').textContent()).toMatch(/^zh-none 中没有可用的行：/)
    await expectChinese(page, 'hint-no-usable-rows', ['robot'])
  })

  it('imports a local file and reviews a run, every step in Chinese', async () => {
    const page = e2e.page
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
    // Cut at 128 tokens, four of the sample's conversations often pass the out-of-memory budget set below.
    await page.getByTestId('max-length').fill('128')
    await page.getByText(/超过 128 个 token/).waitFor({ timeout: 60_000 })
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

  it('stops out of memory with the guide’s fixes in Chinese, resumes with the first one and trains on to the end', async () => {
    const page = e2e.page
    // At most 4 × 64 tokens a batch fit: the run stops until the guide's first fix, a max length of 64, is applied.
    await setSandboxFaults({ oomTokenBudget: 256 })
    await page.getByTestId('continue').click()
    const hint = page.getByTestId('hint')
    await hint.waitFor({ timeout: 120_000 })
    expect(await hint.getAttribute('data-code')).toBe('server-oom')
    expect(await page.getByTestId('hint-message').textContent()).toMatch(/^服务器返回 HTTP 422：.*out of memory/)
    // The guide's order: max length first, then batch size, then rank.
    expect(await page.getByTestId('oom-suggestions').textContent()).toContain('请依次尝试：最大长度 64，然后批大小 2，最后秩 8。')
    await expectChinese(page, 'hint-oom')
    await zhShot(page, '14-hint-oom')
    await page.getByTestId('oom-max-length').click()
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
    await setSandboxFaults({ oomTokenBudget: null })
  })

  it('remembers Chinese across a reload, on every page', async () => {
    const page = e2e.page
    await page.reload()
    await page.getByTestId('history').waitFor({ timeout: 30_000 })
    await page.getByRole('heading', { name: '运行记录' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    await page.getByTestId('run-row').first().waitFor()
    expect(await page.getByTestId('run-row').first().textContent()).toMatch(/已完成.*\d{4}年\d{1,2}月\d{1,2}日/)
    await expectChinese(page, 'history')
    await zhShot(page, '07-history')

    await page.getByTestId('run-row').first().getByRole('button').first().click()
    await page.getByTestId('resume-history').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('resume-list').textContent()).toContain('最大长度 128 → 64')
    expect(await page.getByTestId('resume-segments').locator('tbody tr').last().locator('td').nth(1).textContent()).toBe('64（原为 128）')
    await expectChinese(page, 'run-view')
    await zhShot(page, '15-run-resumed')
    expect(await wrappedCells(page, 'resume-segments')).toEqual([])

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

  it('follows a 2 × 2 sweep live to its recommendation, then Compare and the playground', async () => {
    const page = e2e.page
    await page.getByRole('button', { name: '新建训练', exact: true }).click()
    await page.getByTestId('step-connect').waitFor()
    await page.getByTestId('use-sandbox').click()
    await page.getByTestId('connection-report').waitFor({ timeout: 60_000 })
    await page.getByTestId('continue').click()
    await page.getByTestId('step-dataset').waitFor()
    await page.getByTestId('cached-card').first().waitFor()
    await expectChinese(page, 'dataset-cached')
    await page.getByTestId('source-sample').click()
    await page.getByTestId('import').click()
    await expect.poll(() => page.getByTestId('import-report').textContent(), { timeout: 120_000 }).toContain('sample-chat')
    await page.getByTestId('continue').click()
    await page.getByTestId('truncated-share').waitFor({ timeout: 120_000 })
    await page.getByTestId('continue').click()
    await page.getByTestId('batch-size').fill('4')
    await page.getByTestId('steps').fill('4')
    await page.getByTestId('eval-every').fill('2')
    await page.getByTestId('sweep-toggle').check()
    await page.getByTestId('sweep-active').waitFor()
    await expectChinese(page, 'sweep-setup')
    await page.getByTestId('continue').click()
    await expectChinese(page, 'sweep-review')
    await page.getByTestId('continue').click()
    await page.getByTestId('sweep-table').waitFor()
    const progress = page.getByTestId('sweep-progress-detail')
    await expect.poll(async () => Number(await progress.getAttribute('data-steps-done')), { timeout: 300_000, interval: 250 }).toBeGreaterThan(0)
    expect(await progress.textContent()).toMatch(/^\d+ \/ 16 步 · 预计剩余/)
    await expectChinese(page, 'sweep-live')
    await page.getByTestId('sweep-recommendation').waitFor({ timeout: 400_000 })
    expect(await page.getByTestId('sweep-recommendation').textContent()).toMatch(/^推荐：秩 \d+、学习率 [0-9e-]+，在第 \d+ 步停止（最佳测试 NLL [0-9.]+）。/)
    await expectChinese(page, 'sweep-done')
    await zhShot(page, '16-sweep')
    expect(await wrappedCells(page, 'sweep-table')).toEqual([])

    await page.getByTestId('open-playground').click()
    await page.getByTestId('playground').waitFor()
    await page.getByTestId('playground-prompt').fill('用一句话介绍一下你自己。')
    await page.getByTestId('sample').click()
    await page.getByTestId('samples').waitFor({ timeout: 120_000 })
    await expectChinese(page, 'playground')
    await zhShot(page, '18-playground')

    await page.getByRole('button', { name: '运行记录', exact: true }).click()
    await page.getByTestId('history').waitFor()
    await expectChinese(page, 'history-sweep')
    await zhShot(page, '19-history-sweep')
    expect(await wrappedCells(page, 'runs-table')).toEqual([])
    await page.getByRole('button', { name: '对比这组网格搜索' }).click()
    await page.getByTestId('compare').waitFor()
    await expect.poll(async () => Number(await page.getByTestId('compare-train').getAttribute('data-points')), { timeout: 30_000 }).toBe(4 * 4)
    await expectChinese(page, 'compare')
    await zhShot(page, '17-compare')
    expect(await wrappedCells(page, 'compare-table')).toEqual([])
  })

  it('goes back to following the system from Settings', async () => {
    const page = e2e.page
    await page.getByRole('button', { name: '设置', exact: true }).click()
    await page.getByTestId('settings-locale').selectOption('')
    await page.getByRole('heading', { name: 'Settings' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await page.reload()
    await page.getByRole('heading', { name: 'Runs' }).waitFor({ timeout: 30_000 })
  })
})
