/**
 * A chart saved as PNG with a heading drawn above it — what it shows and of which run — so an exported
 * picture still says what it is once it is pasted into a report or a chat.
 */
import { downloadUrl } from '../lib/download'
import type { EChartsType } from './echarts'

const PIXEL_RATIO = 2
const PAD = 16
const TITLE_PX = 16
const LINE_PX = 12.5

type Heading = { title: string; lines: string[] }

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('the chart image could not be read'))
    img.src = src
  })
}

/** Shortens `text` with an ellipsis until it fits `width` pixels in the context's current font. */
function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text
  const chars = [...text]
  while (chars.length > 1 && ctx.measureText(`${chars.join('')}…`).width > width) chars.pop()
  return `${chars.join('')}…`
}

/** The chart as a PNG data URL, with the heading (a bold title, then smaller lines) above it. */
export async function chartPngWithHeading(chart: EChartsType, heading: Heading): Promise<string> {
  const img = await loadImage(chart.getDataURL({ type: 'png', pixelRatio: PIXEL_RATIO, backgroundColor: '#ffffff' }))
  const r = PIXEL_RATIO
  const font = getComputedStyle(document.documentElement).fontFamily || 'sans-serif'
  const headerHeight = (PAD + TITLE_PX * 1.4 + heading.lines.length * LINE_PX * 1.5 + PAD / 2) * r
  const canvas = document.createElement('canvas')
  canvas.width = img.width
  canvas.height = img.height + Math.ceil(headerHeight)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2D canvas')
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.textBaseline = 'top'
  const width = canvas.width - 2 * PAD * r
  let y = PAD * r
  ctx.fillStyle = '#0f172a'
  ctx.font = `650 ${TITLE_PX * r}px ${font}`
  ctx.fillText(fit(ctx, heading.title, width), PAD * r, y)
  y += TITLE_PX * 1.4 * r
  ctx.fillStyle = '#475569'
  ctx.font = `400 ${LINE_PX * r}px ${font}`
  for (const line of heading.lines) {
    ctx.fillText(fit(ctx, line, width), PAD * r, y)
    y += LINE_PX * 1.5 * r
  }
  ctx.drawImage(img, 0, Math.ceil(headerHeight))
  return canvas.toDataURL('image/png')
}

/** Downloads the chart with its heading under `fileName` (named by src/shared/export-names.ts). */
export async function exportChartPng(chart: EChartsType | null | undefined, fileName: string, heading: Heading): Promise<void> {
  if (!chart) return
  downloadUrl(fileName, await chartPngWithHeading(chart, heading))
}
