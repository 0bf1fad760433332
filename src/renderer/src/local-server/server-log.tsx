/**
 * The local TuFT server's log as it is written: the kept tail (main holds the last lines, the file everything),
 * a search that narrows it to matching lines, "follow the end" while it grows, and copy. Error lines stand out,
 * and the line a failed start was recognised from is marked.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useT } from '../i18n'
import { CopyButton } from '../components/copy-button'
import { useLocalServer } from '../stores/local-server-store'

const isError = (text: string): boolean => /\b(ERROR|CRITICAL|Traceback|Error:|Exception)\b/.test(text)

export function ServerLog({ mark = null, logPath = null }: { mark?: string | null; logPath?: string | null }): React.JSX.Element {
  const { t } = useT()
  const lines = useLocalServer((s) => s.lines)
  const [search, setSearch] = useState('')
  const [follow, setFollow] = useState(true)
  const box = useRef<HTMLPreElement>(null)
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase()
    return needle ? lines.filter((l) => l.text.toLowerCase().includes(needle)) : lines
  }, [lines, search])

  useEffect(() => {
    const el = box.current
    if (follow && el) el.scrollTop = el.scrollHeight
  }, [shown, follow])

  const l = t.localServer
  return (
    <div className="server-log" data-testid="server-log">
      <div className="row spread">
        <div className="row">
          <input className="input compact" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={l.logSearch} aria-label={l.logSearch} data-testid="log-search" />
          <label className="inline-check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
            {l.logFollow}
          </label>
          <span className="muted small" data-testid="log-count">{l.logShown(shown.length, lines.length)}</span>
        </div>
        <CopyButton text={shown.map((x) => x.text).join('\n')} label={l.copyLog} copiedLabel={l.copied} testId="log-copy" />
      </div>
      <pre className="log-lines" ref={box} tabIndex={0} aria-label={l.log} data-testid="log-lines">
        {shown.length === 0 ? (
          <span className="muted">{l.logEmpty}</span>
        ) : (
          shown.map((x) => (
            <span key={x.seq} className={`log-line${mark && x.text.includes(mark) ? ' log-mark' : isError(x.text) ? ' log-error' : ''}`}>
              {x.text}
              {'\n'}
            </span>
          ))
        )}
      </pre>
      {logPath && <div className="muted small mono">{l.planLog}: {logPath}</div>}
    </div>
  )
}
