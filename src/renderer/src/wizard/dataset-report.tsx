/**
 * The dataset step's report of the chosen dataset: rows per split, the format the rows were read as, the rows
 * rejected and the rows kept with warnings (each reason in words, with examples by their row in the file), and
 * a paged preview that numbers conversations the same way.
 */
import { useEffect, useState } from 'react'
import type { ConversationPage, DatasetFormat, RejectionGroup, RowExample, SplitInfo, WarningGroup } from '../../../shared/contract'
import { PREVIEW_PAGE_SIZE } from '../../../shared/defaults'
import { MISSING } from '../../../shared/i18n'
import type { Failure } from '../../../shared/result'
import { escapeControlChars } from '../../../shared/text'
import { api } from '../api'
import { ConversationView } from '../components/conversation-view'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card, Field } from '../components/ui'
import { useT } from '../i18n'
import type { Draft } from '../stores/wizard-store'

type Chosen = NonNullable<Draft['dataset']>

export function DatasetReport(props: {
  dataset: Chosen
  splits: SplitInfo[]
  format: DatasetFormat | null
  fromCache: boolean
  rejections: RejectionGroup[] | null
  warnings: WarningGroup[] | null
  onChange: (d: Chosen) => void
}): React.JSX.Element {
  const { t } = useT()
  const { dataset, splits, onChange } = props
  const warned = (props.warnings ?? []).reduce((a, g) => a + g.count, 0)
  return (
    <Card
      testId="import-report"
      title={
        <>
          {t.dataset.report}: <span className="mono">{dataset.name}</span> {props.fromCache && <Badge tone="info" testId="offline-badge">{t.dataset.offline}</Badge>}
        </>
      }
      actions={props.format && <span className="muted small" data-testid="detected-format">{t.dataset.detectedFormat(props.format)}</span>}
    >
      <div className="split-stats">
        {splits.map((s) => (
          <div key={s.split} className="split-stat" data-testid={`split-${s.split}`}>
            <div className="mono strong">{s.split}</div>
            <div>{t.dataset.rows(s.rows)}</div>
            <div className={s.rejected ? 'warn-text' : 'muted'}>{t.dataset.rejected(s.rejected)}</div>
          </div>
        ))}
        {warned > 0 && (
          <div className="split-stat" data-testid="warned-count">
            <div className="warn-text">{t.dataset.warned(warned)}</div>
          </div>
        )}
        <div className="split-choose">
          <Field label={t.dataset.trainSplit}>
            {(id) => (
              <select id={id} className="input" value={dataset.trainSplit} onChange={(e) => onChange({ ...dataset, trainSplit: e.target.value, rows: splits.find((s) => s.split === e.target.value)?.rows ?? 0 })}>
                {splits.map((s) => (
                  <option key={s.split} value={s.split}>{s.split}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t.dataset.evalSplit}>
            {(id) => (
              <select id={id} className="input" value={dataset.evalSplit ?? ''} onChange={(e) => onChange({ ...dataset, evalSplit: e.target.value || null })}>
                <option value="">{t.dataset.evalHeldOut}</option>
                {splits.filter((s) => s.split !== dataset.trainSplit).map((s) => (
                  <option key={s.split} value={s.split}>{s.split}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </div>
      {props.rejections && props.rejections.length === 0 && <div className="muted small" data-testid="rejections-none">{t.dataset.noRejections}</div>}
      {props.rejections && props.rejections.length > 0 && (
        <RowGroups testId="rejections" title={t.dataset.rejections} help={t.dataset.rejectionsHelp} head={t.dataset.reason} groups={props.rejections} nameOf={(r) => t.dataset.reasons[r as RejectionGroup['reason']] ?? r} />
      )}
      {props.warnings && props.warnings.length > 0 && (
        <RowGroups testId="warnings" title={t.dataset.warnings} help={t.dataset.warningsHelp} head={t.dataset.warning} groups={props.warnings} nameOf={(r) => t.dataset.warningNames[r as WarningGroup['reason']] ?? r} />
      )}
    </Card>
  )
}

/** One table of reasons (rejections or warnings): the reason in words, how many rows, and example rows. */
function RowGroups(props: {
  testId: string
  title: string
  help: string
  head: string
  groups: { reason: string; count: number; examples: RowExample[] }[]
  nameOf: (reason: string) => string
}): React.JSX.Element {
  const { t, fmt } = useT()
  return (
    <details className={`rejections ${props.testId}`} open data-testid={props.testId}>
      <summary>{props.title}</summary>
      <div className="muted small">{props.help}</div>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{props.head}</th>
            <th scope="col" className="num">{t.dataset.count}</th>
            <th scope="col">{t.dataset.examples}</th>
          </tr>
        </thead>
        <tbody>
          {props.groups.map((g) => (
            <tr key={g.reason} data-reason={g.reason}>
              <td>{props.nameOf(g.reason)}</td>
              <td className="num">{fmt.int(g.count)}</td>
              <td>
                <ul className="examples">
                  {g.examples.map((e, i) => (
                    <li key={i} data-testid="row-example">
                      <span className="small strong">{t.dataset.exampleRow(e.split, e.row)}</span>
                      <ExampleFact example={e} />
                      <div className="mono small excerpt">{e.rows ? t.dataset.rowRange(e.rows.first, e.rows.last) : escapeControlChars(e.excerpt)}</div>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

/** What is wrong with an example row, in the reader's language; a report saved before facts existed has only main's English. */
function ExampleFact({ example }: { example: RowExample }): React.JSX.Element | null {
  const { t } = useT()
  const f = example.fact
  if (!f) return example.detail ? <span className="muted small"> · {escapeControlChars(example.detail)}</span> : null
  return (
    <span className="muted small">
      {' · '}
      {f.kind === 'parser' ? (
        <>
          {t.dataset.parserSaid}
          <span className="quoted">{escapeControlChars(f.message)}</span>
        </>
      ) : (
        escapeControlChars(t.dataset.fact(f))
      )}
    </span>
  )
}

export function DatasetPreview({ name, splits, initial }: { name: string; splits: string[]; initial: string }): React.JSX.Element {
  const { t } = useT()
  const [split, setSplit] = useState(initial)
  const [offset, setOffset] = useState(0)
  const [page, setPage] = useState<ConversationPage | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  useEffect(() => {
    let live = true
    void api.datasetPage({ name, split, offset, limit: PREVIEW_PAGE_SIZE }).then((r) => {
      if (!live) return
      if (r.ok) {
        setPage(r.value)
        setFailure(null)
      } else setFailure(r)
    })
    return () => {
      live = false
    }
  }, [name, split, offset])
  const total = page?.total ?? 0
  return (
    <Card
      testId="preview"
      title={t.dataset.preview}
      actions={
        <>
          <select className="input compact" aria-label={t.dataset.previewSplit} value={split} onChange={(e) => (setSplit(e.target.value), setOffset(0))}>
            {splits.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
          <Button variant="ghost" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PREVIEW_PAGE_SIZE))} data-testid="preview-prev">{t.common.previous}</Button>
          <span className="muted small" data-testid="preview-range">{total ? t.dataset.page(offset + 1, Math.min(offset + PREVIEW_PAGE_SIZE, total), total) : MISSING}</span>
          <Button variant="ghost" disabled={offset + PREVIEW_PAGE_SIZE >= total} onClick={() => setOffset(offset + PREVIEW_PAGE_SIZE)} data-testid="preview-next">{t.common.next}</Button>
        </>
      }
    >
      {failure && <HintPanel failure={failure} />}
      <div className="conv-list">
        {page?.rows.map((r) => (
          <ConversationView key={r.index} label={t.dataset.previewRow(r.sourceRow)} messages={r.messages} />
        ))}
      </div>
    </Card>
  )
}
