/**
 * `chart_frame_p95_ms`: the real NllChart component in Chromium, a 20,000-point train series (raw + debiased
 * EMA) plus test points, one point appended every 100 ms; each sample is the main-thread time of one append
 * (React commit, EMA extension, echarts setOption and a synchronous canvas paint). The renderer's bench page
 * (`?bench=chart`) runs without a backend, so the built renderer is served statically here.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { ensureRendererBuilt, RENDERER_OUT } from '../src/main/bridge/run'
import { launchChromium } from '../tests/helpers/chromium'

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' }
const POINTS = 20_000
const APPENDS = 150
const INTERVAL_MS = 100

function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = path.join(dir, rel === '/' ? 'index.html' : rel)
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return void res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  )
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]
}

export async function measureChartFrames(log: (line: string) => void): Promise<{ chart_frame_p95_ms: number }> {
  ensureRendererBuilt(log)
  const site = await serveStatic(RENDERER_OUT)
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`${site.url}/index.html?bench=chart&points=${POINTS}&appends=${APPENDS}&interval=${INTERVAL_MS}`)
    type Result = { done: boolean; samples: number[]; points: number }
    // Functions, not strings: the app's CSP forbids eval, and this page runs under it.
    await page.waitForFunction(() => (globalThis as { __chartBench?: Result }).__chartBench?.done === true, null, { timeout: 120_000, polling: 500 })
    const r = await page.evaluate(() => (globalThis as unknown as { __chartBench: Result }).__chartBench)
    // The first appends include echarts' one-off warm-up (shader-free canvas setup, JIT); report steady state too.
    const p95 = percentile(r.samples, 0.95)
    log(`${r.samples.length} appends to a ${POINTS.toLocaleString('en-US')}-point series every ${INTERVAL_MS} ms (now ${r.points.toLocaleString('en-US')} points)`)
    const worst = r.samples.map((v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, 8)
    log(`slowest appends (index: ms): ${worst.map(([i, v]) => `${i}: ${v.toFixed(1)}`).join(", ")}`)
    log(`frame time p50 ${percentile(r.samples, 0.5).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${Math.max(...r.samples).toFixed(2)} ms (target p95 < 16 ms)`)
    return { chart_frame_p95_ms: p95 }
  } finally {
    await browser.close()
    await site.close()
  }
}
