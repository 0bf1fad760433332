import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { LOCAL_SERVER_LOG_RING_LINES } from '../../../shared/defaults'
import type { LocalServerLogLine, LocalServerLogPage } from '../../../shared/local-server'

const READ_CHUNK = 1 << 20

/**
 * Follows a log file that another process appends to (TuFT writes its stdout and stderr straight into it, so the
 * server can outlive the app or the CLI that started it). New lines get increasing sequence numbers; the last
 * `capacity` are kept for the UI (tail, search, copy); the file keeps everything. A carriage-return progress bar
 * (tqdm while loading weights) keeps only its latest state per line.
 */
export class LogTail {
  private ring: LocalServerLogLine[] = []
  private seq = 0
  private offset = 0
  private partial = ''
  private decoder = new StringDecoder('utf8')
  private timer: NodeJS.Timeout | null = null

  constructor(
    readonly file: string,
    private readonly capacity = LOCAL_SERVER_LOG_RING_LINES,
  ) {}

  /** Reads what was appended since the last call and returns the complete new lines. */
  poll(): LocalServerLogLine[] {
    let fd: number
    try {
      fd = fs.openSync(this.file, 'r')
    } catch {
      return []
    }
    const fresh: LocalServerLogLine[] = []
    try {
      const size = fs.fstatSync(fd).size
      if (size < this.offset) {
        // The file was replaced (a new launch): start over from its beginning.
        this.offset = 0
        this.partial = ''
        this.decoder = new StringDecoder('utf8')
      }
      const buf = Buffer.alloc(Math.min(READ_CHUNK, Math.max(0, size - this.offset)))
      while (this.offset < size) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset)
        if (n <= 0) break
        this.offset += n
        this.partial += this.decoder.write(buf.subarray(0, n))
        const parts = this.partial.split('\n')
        this.partial = parts.pop() ?? ''
        for (const raw of parts) fresh.push(this.push(raw))
      }
    } finally {
      fs.closeSync(fd)
    }
    return fresh
  }

  /** Also returns a last line that has no newline yet (the process has ended, nothing more will come). */
  drain(): LocalServerLogLine[] {
    const out = this.poll()
    const rest = this.partial + this.decoder.end()
    this.partial = ''
    if (rest.length) out.push(this.push(rest))
    return out
  }

  private push(raw: string): LocalServerLogLine {
    const text =
      raw
        .replace(/\r$/, '')
        .split('\r')
        .filter((s) => s.length > 0)
        .pop() ?? ''
    const line = { seq: this.seq++, text }
    this.ring.push(line)
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity)
    return line
  }

  /** Polls every `intervalMs` and hands new lines to `onLines`. */
  follow(intervalMs: number, onLines: (lines: LocalServerLogLine[]) => void): void {
    this.stop()
    this.timer = setInterval(() => {
      const lines = this.poll()
      if (lines.length) onLines(lines)
    }, intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  recent(n: number): string[] {
    return this.ring.slice(-n).map((l) => l.text)
  }

  texts(): string[] {
    return this.ring.map((l) => l.text)
  }

  /** Lines after `sinceSeq` (all kept lines by default), optionally only those containing `search` (any case). */
  page(o: { sinceSeq?: number; search?: string; limit?: number } = {}): LocalServerLogPage {
    const needle = o.search?.toLowerCase()
    let lines = this.ring.filter(
      (l) =>
        (o.sinceSeq === undefined || l.seq > o.sinceSeq) &&
        (!needle || l.text.toLowerCase().includes(needle)),
    )
    if (o.limit !== undefined && lines.length > o.limit) lines = lines.slice(-o.limit)
    return { lines, nextSeq: this.seq, logPath: this.file, total: this.seq }
  }
}
