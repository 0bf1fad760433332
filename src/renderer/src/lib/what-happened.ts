/**
 * The "what happened" line of a failure, in the reader's language, from the facts main sends with its code:
 * main's own `message` is English (it also goes to logs and command lines), so the screen words it here
 * wherever the facts are enough, and quotes what a server or the system said exactly as it came.
 */
import { isRejectionReason, type RowExample } from '../../../shared/datasets'
import type { Format, UiStrings } from '../../../shared/i18n'
import type { Failure } from '../../../shared/result'

export type WhatHappened = {
  /** Our sentence, or nothing when the quote says it all. */
  text: string
  /** Words someone else sent (a server's reply, the system's error), shown untranslated after `label`. */
  quote: { label: string; text: string; inline: boolean } | null
}

const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null)
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null)
const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file

/** Hub failures whose URL, status and system error say it all (others name a file, repository or split). */
const HUB_CODES: ReadonlySet<string> = new Set(['hf-unreachable', 'hf-timeout', 'download-interrupted'])

/** Null when the facts do not say enough: the caller then shows main's message. */
export function whatHappened(t: UiStrings, fmt: Format, failure: Failure): WhatHappened | null {
  const d = failure.details ?? {}
  const said = (text: string, cause: unknown = d.cause): WhatHappened => {
    const c = str(cause)
    return { text, quote: c ? { label: t.hint.systemSaid, text: c, inline: false } : null }
  }
  const serverMessage = str(d.serverMessage)
  // A TuFT server's error: the hint's title already names it, the server's words say the rest.
  if (serverMessage) return { text: '', quote: { label: t.hint.serverReplied(num(d.status)), text: serverMessage, inline: true } }
  const url = str(d.url)
  if (url && HUB_CODES.has(failure.code)) {
    const h = t.hint.hub
    const status = num(d.status)
    const errno = str(d.errno)
    return said(
      failure.code === 'hf-timeout'
        ? h.timedOut(url)
        : failure.code === 'download-interrupted'
          ? h.interrupted(url)
          : status !== null
            ? h.status(url, status)
            : d.badResponse === true
              ? h.badReply(url)
              : h.unreachable(url, errno !== null && Object.hasOwn(h.reasons, errno) ? h.reasons[errno] : null),
    )
  }
  const ds = t.hint.dataset
  const file = str(d.file)
  switch (failure.code) {
    case 'dataset-no-usable-rows': {
      const name = str(d.name)
      const groups = (Array.isArray(d.rejections) ? d.rejections : []) as { reason?: unknown; count?: unknown; examples?: RowExample[] }[]
      if (!name || groups.length === 0) return null
      const reasons = groups.map((g) => ds.reasonCount(isRejectionReason(g.reason) ? t.dataset.reasons[g.reason] : String(g.reason), num(g.count) ?? 0))
      const ex = groups[0].examples?.[0]
      const fact = ex?.fact ? (ex.fact.kind === 'parser' ? null : t.dataset.fact(ex.fact)) : null
      return said(ds.noUsableRows(name, fmt.list(reasons), ex && fact ? ds.example(ex.split, ex.row, fact) : null), null)
    }
    case 'dataset-format-unknown': {
      const seen = Array.isArray(d.fieldsSeen) ? d.fieldsSeen.filter((x): x is string => typeof x === 'string') : null
      return seen ? said(ds.formatUnknown(fmt.list(seen.slice(0, 12))), null) : null
    }
    case 'dataset-not-utf8': {
      const encoding = str(d.encoding)
      return file && encoding ? said(ds.notUtf8(baseName(file), encoding), null) : null
    }
    case 'file-too-large': {
      const limit = num(d.limitBytes)
      return file && limit !== null ? said(ds.tooLarge(baseName(file), fmt.bytes(limit)), null) : null
    }
    case 'parquet-corrupt':
      return file && str(d.cause) ? said(ds.parquetCorrupt(baseName(file))) : null
    default:
      return null
  }
}
