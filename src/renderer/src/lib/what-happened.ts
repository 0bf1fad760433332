/**
 * The "what happened" line of a failure, in the reader's language, from the facts main sends with its code:
 * main's own `message` is English (it also goes to logs and command lines), so the screen words it here
 * wherever the facts are enough, and quotes what a server or the system said exactly as it came.
 */
import { isRejectionReason, type RowExample } from '../../../shared/datasets'
import type { Format, UiStrings } from '../../../shared/i18n'
import type { ModelFolderProblem } from '../../../shared/local-server'
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

const strs = (x: unknown): string[] | null => (Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'string' && v !== '') ? (x as string[]) : null)

/** The file kinds a picker wanted, as main's details list them: exact names, or extensions without their dot. */
export function wantedFiles(fmt: Format, d: Record<string, unknown>): string | null {
  const wanted = strs(d.wanted)
  return wanted ? fmt.list(d.wantedNames === true ? wanted : wanted.map((e) => `.${e}`)) : null
}

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
  // A fixed sentence of main's, named by its key.
  const says = str(d.says)
  if (says && Object.hasOwn(t.hint.says, says)) return said(t.hint.says[says as keyof UiStrings['hint']['says']]({ name: str(d.name) ?? '', path: str(d.path) ?? '', status: num(d.status) === null ? '' : `HTTP ${num(d.status)}` }), null)
  const ds = t.hint.dataset
  const file = str(d.file)
  switch (failure.code) {
    case 'dataset-no-usable-rows': {
      const name = str(d.name)
      const split = str(d.split)
      const maxLength = num(d.maxLength)
      if (name && split && maxLength !== null && d.noTargetTokens === true) return said(t.hint.noTargetTokens(name, split, maxLength), null)
      if (name && Array.isArray(d.splits) && d.splits.length === 0) return said(t.hint.noSplits(name), null)
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
    case 'run-name-taken': {
      const name = str(d.name)
      return name ? said(t.hint.runNameTaken(name), null) : null
    }
    case 'invalid-input':
      return invalidInput(t, fmt, d)
    default:
      return (
        dataFailure(t, fmt, failure.code, d) ??
        serverFailure(t, fmt, failure.code, d) ??
        tokenizerFailure(t, failure.code, d) ??
        localServerFailure(t, failure.code, d) ??
        cancelled(t, failure.code, d)
      )
  }
}

/** A data file, folder or stored dataset that cannot be used, by what main found. */
/** A split a dataset does not have, and the ones it has when main lists them. */
function noSplit(t: UiStrings, fmt: Format, d: Record<string, unknown>): WhatHappened | null {
  const name = str(d.name)
  const split = str(d.split)
  const splits = Array.isArray(d.splits) ? d.splits.filter((s): s is string => typeof s === 'string') : []
  return name && split ? { text: t.hint.noSplit(name, split, splits.length ? fmt.list(splits) : null), quote: null } : null
}

function dataFailure(t: UiStrings, fmt: Format, code: string, d: Record<string, unknown>): WhatHappened | null {
  const f = t.hint.dataFile
  const file = str(d.file)
  const quoted = (text: string): WhatHappened => {
    const c = str(d.cause)
    return { text, quote: c ? { label: t.hint.systemSaid, text: c, inline: false } : null }
  }
  const name = str(d.name)
  switch (code) {
    case 'dataset-file-unreadable':
      if (d.why === 'bundled-missing') return quoted(f.bundledMissing)
      if (!file) return null
      switch (d.why) {
        case 'missing':
          return quoted(f.missing(file))
        case 'no-folder':
          return quoted(f.noFolder(file))
        case 'unreadable':
          return quoted(f.unreadable(file))
        case 'empty':
          return quoted(f.empty(file))
        case 'no-data-files':
          return quoted(f.noDataFiles(file))
        case 'not-json':
          return quoted(f.notJson(baseName(file)))
        default:
          return null
      }
    case 'dataset-not-a-file': {
      const is = d.is
      if (!file) return null
      if (is === 'not-a-folder') return quoted(f.notAFolder(file))
      return is === 'folder' || is === 'pipe' || is === 'socket' || is === 'special' ? quoted(f.notAFile(file, is)) : null
    }
    case 'file-grant-expired':
      return { text: f.grantExpired, quote: null }
    case 'dataset-not-cached':
      if (d.set !== undefined) return { text: t.hint.tokenizedGone, quote: null }
      return name ? { text: t.hint.datasetNotCached(name), quote: null } : null
    case 'not-found':
      return noSplit(t, fmt, d)
    default:
      return null
  }
}

/** What a TuFT server offers that the run asked beyond, from the server's own capabilities. */
function serverFailure(t: UiStrings, fmt: Format, code: string, d: Record<string, unknown>): WhatHappened | null {
  switch (code) {
    case 'unknown-model': {
      const served = Array.isArray(d.served) ? d.served.filter((x): x is string => typeof x === 'string') : null
      if (!served) return null
      const model = str(d.model)
      return { text: served.length === 0 ? t.hint.noModelsServed : model ? t.hint.modelNotServed(model, fmt.list(served)) : t.hint.noModelsServed, quote: null }
    }
    case 'rank-exceeds-server-max': {
      const rank = num(d.rank)
      const max = num(d.maxRank)
      return rank !== null && max !== null ? { text: t.hint.rankTooHigh(rank, max, str(d.model)), quote: null } : null
    }
    case 'sandbox-port-taken': {
      const port = num(d.port)
      return port !== null ? { text: t.hint.sandboxPort(port, d.privileged === true), quote: null } : null
    }
    case 'loss-diverged': {
      const step = num(d.step)
      return step !== null ? { text: t.hint.diverged(step, num(d.trainNll), num(d.reference)), quote: null } : null
    }
    case 'run-not-resumable': {
      const status = str(d.status)
      return status && Object.hasOwn(t.history.status, status) ? { text: t.hint.notResumable(t.history.status[status as keyof typeof t.history.status]), quote: null } : null
    }
    default:
      return null
  }
}

/** The fields a refused request names, when the contract's validator refused it (its details name the channel). */
export function contractIssueFields(d: Record<string, unknown>): string[] | null {
  if (!str(d.channel) || !Array.isArray(d.issues)) return null
  const paths = d.issues.map((i: unknown) => (typeof i === 'object' && i !== null ? str((i as { path?: unknown }).path) : null)).filter((p): p is string => p !== null)
  return paths.length ? [...new Set(paths)] : null
}

function invalidInput(t: UiStrings, fmt: Format, d: Record<string, unknown>): WhatHappened | null {
  const clash = d.nameTaken as { name?: unknown; sourceKind?: unknown; source?: unknown } | undefined
  if (clash && str(clash.name) && str(clash.source)) return { text: t.hint.datasetNameTaken(clash.name as string, clash.sourceKind === 'hub', clash.source as string), quote: null }
  const wanted = wantedFiles(fmt, d)
  if (wanted) return { text: t.hint.notWantedFile(str(d.name), wanted), quote: null }
  const split = noSplit(t, fmt, d)
  if (split) return split
  const status = str(d.status)
  const name = str(d.name)
  const action = d.action
  if (status && name && Object.hasOwn(t.history.status, status) && (action === 'paused' || action === 'continued' || action === 'stopped' || action === 'cancelled'))
    return { text: t.hint.runControl(name, t.history.status[status as keyof typeof t.history.status], action), quote: null }
  // The contract's validator words its issues in English: kept on an English screen, named by field on another.
  const fields = contractIssueFields(d)
  if (fields && !t.cli.mainMessagesReadable) return { text: t.hint.badInput(fmt.list(fields)), quote: null }
  const maxLength = num(d.maxLength)
  const maxContext = num(d.maxContext)
  if (maxLength !== null && maxContext !== null) return { text: t.hint.maxLengthTooLong(maxLength, maxContext), quote: null }
  // The local server's port, when only an administrator may listen on it.
  const port = num(d.port)
  if (d.privileged === true && port !== null) return { text: t.hint.localServer.portPrivileged(port), quote: null }
  return null
}

function tokenizerFailure(t: UiStrings, code: string, d: Record<string, unknown>): WhatHappened | null {
  const k = t.hint.tokenizer
  const quoted = (text: string): WhatHappened => {
    const c = str(d.cause)
    return { text, quote: c ? { label: t.hint.systemSaid, text: c, inline: false } : null }
  }
  const dir = str(d.dir)
  const modelId = str(d.modelId)
  switch (code) {
    case 'tokenizer-not-found': {
      if (d.builtin === true) return quoted(k.builtinMissing)
      if (d.notHubId === true && modelId) return quoted(k.notHubId(modelId, d.folderAllowed !== false))
      const missing = strs(d.missing)
      return missing ? quoted(k.missingFiles(dir, missing)) : null
    }
    case 'tokenizer-invalid':
      return dir ? quoted(k.invalid(dir)) : null
    case 'chat-template-missing':
      return dir ?? modelId ? quoted(k.noTemplate((dir ?? modelId) as string)) : null
    case 'chat-template-error':
      return modelId ? quoted(k.templateFailed(modelId)) : null
    case 'tokenizer-worker-crashed': {
      const crashes = num(d.crashes)
      if (d.crash === 'repeated' && crashes !== null) return quoted(k.workersCrashed(crashes))
      return d.crash === 'start' ? quoted(k.workerCouldNotStart) : d.crash === 'encoder' ? quoted(k.encoderStopped) : null
    }
    default:
      return null
  }
}

function localServerFailure(t: UiStrings, code: string, d: Record<string, unknown>): WhatHappened | null {
  const l = t.hint.localServer
  const port = num(d.port)
  // The line TuFT printed (its own words) is shown under the hint as it came, by the screen that starts the server.
  const printed = (text: string): WhatHappened => ({ text, quote: null })
  switch (code) {
    case 'tuft-not-installed': {
      const command = strs(d.command)
      if (command) return { text: l.couldNotRun(command[0]), quote: str(d.cause) ? { label: t.hint.systemSaid, text: d.cause as string, inline: false } : null }
      const tried = strs(d.tried)
      if (!tried) return null
      const bin = tried.length === 1 && tried[0].startsWith('TUFT_BIN=') ? tried[0].slice('TUFT_BIN='.length) : null
      return { text: l.notInstalled(bin), quote: null }
    }
    case 'local-server-already-running': {
      const url = str(d.url)
      const pid = num(d.pid)
      return { text: url && pid !== null ? l.alreadyRunning(url, pid) : l.alreadyStarting, quote: null }
    }
    case 'local-server-not-running':
      return { text: l.notRunning, quote: null }
    case 'local-server-port-taken': {
      const host = str(d.host)
      return host && port !== null ? { text: l.portTaken(host, port, d.answersLikeTuft === true), quote: null } : null
    }
    case 'model-folder-invalid':
    case 'local-server-bad-config': {
      const problems = Array.isArray(d.problems) ? (d.problems as ModelFolderProblem[]) : null
      if (!problems?.length || (code === 'local-server-bad-config' && d.startup !== undefined)) break
      return { text: problems.map((p) => modelFolderProblem(t, p, true)).join(' '), quote: null }
    }
    case 'local-server-start-timeout': {
      const url = str(d.url)
      const seconds = num(d.seconds)
      return url && seconds !== null ? printed(l.timedOut(url, seconds)) : null
    }
    default:
      break
  }
  switch (d.startup) {
    case 'exited':
      return printed(l.exited(num(d.exitCode), str(d.signal)))
    case 'fatal':
      return printed(l.fatal)
    case 'cancelled':
      return printed(l.cancelled)
    default:
      return null
  }
}

/**
 * One problem of a model folder or of the server's configuration, in the reader's language. `withFolder` names
 * the folder first, as a plan listing several models' problems must. A safetensors header's exact fault is
 * main's English detail: shown as it is on an English screen, summed up in the reader's words on another.
 */
export function modelFolderProblem(t: UiStrings, p: ModelFolderProblem, withFolder = false): string {
  const f = t.hint.localServer.folder
  const file = p.file ?? ''
  const fact = p.fact?.is
  const text = ((): string => {
    switch (p.kind) {
      case 'not-a-folder':
        return f.notAFolder(p.folder ?? '')
      case 'missing-config':
        return f.missingConfig
      case 'missing-tokenizer':
        return f.missing(file)
      case 'missing-tokenizer-config':
        return fact === 'not-json' ? f.notJson(file) : f.missing(file)
      case 'no-weights':
        return fact === 'bin-only' ? f.binOnly : f.noWeights
      case 'missing-shard':
        return f.missingShard(file)
      case 'bad-weights':
        if (fact === 'not-json') return f.notJson(file)
        if (fact === 'bad-shard-name') return f.badShardName
        return t.cli.mainMessagesReadable ? unprefixed(p) : f.badHeader(file)
      case 'bad-config': {
        const c = p.fact
        if (!c) return unprefixed(p)
        switch (c.is) {
          case 'not-json':
            return f.notJson(file)
          case 'not-object':
            return f.notObject(file)
          case 'duplicate-name':
            return f.duplicateName(c.name)
          case 'colocate-several-models':
            return f.colocateSeveral
          case 'colocate-tensor-parallel':
            return f.colocateTensorParallel
          case 'max-model-len-too-long':
            return f.maxModelLenTooLong(c.name, c.maxModelLen, c.context)
          default:
            return unprefixed(p)
        }
      }
      default:
        return unprefixed(p)
    }
  })()
  // "Not a folder" names its folder already; configuration rules belong to no folder.
  return withFolder && p.folder && p.kind !== 'not-a-folder' ? f.inFolder(p.folder, text) : text
}

/** Main's sentence without the folder a plan put before it (the caller adds it back in the reader's punctuation). */
const unprefixed = (p: ModelFolderProblem): string => (p.folder && p.message.startsWith(`${p.folder}: `) ? p.message.slice(p.folder.length + 2) : p.message)

/** A cancellation: main words each kind its own way in English, which an English screen keeps. */
function cancelled(t: UiStrings, code: string, d: Record<string, unknown>): WhatHappened | null {
  if (code !== 'cancelled') return null
  const file = str(d.file)
  if (file) return { text: t.hint.uploadIncomplete(file), quote: null }
  return t.cli.mainMessagesReadable ? null : { text: t.hint.cancelled, quote: null }
}
