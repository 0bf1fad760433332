/**
 * Every failure the user sees: what happened (the failure's own message), why and how to fix it (from the
 * one catalogue), and the catalogue's one-click fix as a button when the screen can apply it. Key failures
 * say each thing once, from the facts in `details` (never the key): the server rejected the key ending in
 * …a1b2; it came from here; TINKER_API_KEY is …c3d4 or unset; what to do.
 */
import type { ReactNode } from 'react'
import type { HintAction } from '../../../shared/catalogue'
import type { Format, UiStrings } from '../../../shared/i18n'
import type { LocalServerField } from '../../../shared/local-server'
import type { Failure } from '../../../shared/result'
import type { SettingsSection } from '../stores/nav-store'
import { useT } from '../i18n'
import { whatHappened, type WhatHappened } from '../lib/what-happened'
import { Button } from './ui'

export type HintHandlers = {
  retry?: () => void | Promise<void>
  useSandbox?: () => void | Promise<void>
  openSettings?: (section: SettingsSection) => void
  setEndpoint?: (endpoint: string) => void | Promise<void>
  resume?: () => void | Promise<void>
  lowerLearningRate?: () => void | Promise<void>
  /** The learning rate `lowerLearningRate` resumes with, shown on its button. */
  lowerLearningRateTo?: string
  lowerRank?: () => void | Promise<void>
  /** The local-server form's fixes: the next port (shown on its button), a shorter max_model_len, a field to correct. */
  useNextPort?: () => void
  nextPort?: number
  lowerMaxModelLen?: () => void
  lowerMaxModelLenTo?: number
  editLocalServer?: (field: LocalServerField | undefined) => void
}

/**
 * The endpoint the mirror fix applies: the one main suggests (it knows which endpoints failed lately, and a
 * site's own mirror), else the catalogue's. Null when main says every mirror it knows was tried: offering one
 * of them again would only repeat the failure.
 */
export function mirrorEndpointOf(failure: Failure, action: Extract<HintAction, { kind: 'set-hf-endpoint' }>): string | null {
  const details = failure.details ?? {}
  const tried = Array.isArray(details.triedEndpoints) ? (details.triedEndpoints as unknown[]) : []
  const candidate = Object.hasOwn(details, 'suggestedEndpoint') ? details.suggestedEndpoint : action.endpoint
  return typeof candidate === 'string' && /^https?:\/\//.test(candidate) && !tried.includes(candidate) ? candidate : null
}

export const isHubFailure = (f: Failure): boolean => f.code === 'hf-unreachable' || f.code === 'hf-timeout'

/** The button of a hint's fix; `also` is its second fix, drawn after the first and less prominent. */
function actionButton(t: UiStrings, fmt: Format, failure: Failure, action: HintAction | undefined, h: HintHandlers, slot: 'first' | 'also' = 'first'): ReactNode {
  if (!action) return null
  const testId = slot === 'first' ? 'hint-action' : 'hint-action-also'
  const variant = slot === 'first' ? 'primary' : 'secondary'
  switch (action.kind) {
    case 'set-hf-endpoint': {
      const ep = mirrorEndpointOf(failure, action)
      if (!h.setEndpoint || !ep) return null
      return (
        <Button variant="primary" onClick={() => h.setEndpoint?.(ep)} data-testid="hint-action">
          {t.hint.applyMirror(ep)}
        </Button>
      )
    }
    case 'use-sandbox':
      return h.useSandbox ? <Button variant="primary" onClick={() => h.useSandbox?.()} data-testid="hint-action">{t.hint.useSandbox}</Button> : null
    case 'open-settings':
      return h.openSettings ? <Button onClick={() => h.openSettings?.(action.section)} data-testid="hint-action">{t.hint.openSettings}</Button> : null
    case 'retry':
      return h.retry ? <Button variant="primary" onClick={() => h.retry?.()} data-testid="hint-action">{t.hint.retry}</Button> : null
    case 'resume-run':
      return h.resume ? <Button variant="primary" onClick={() => h.resume?.()} data-testid="hint-action">{t.hint.resume}</Button> : null
    case 'lower-learning-rate':
      return h.lowerLearningRate ? <Button variant="primary" onClick={() => h.lowerLearningRate?.()} data-testid="hint-action">{t.hint.lowerLr(h.lowerLearningRateTo ?? null)}</Button> : null
    case 'lower-rank':
      return h.lowerRank ? <Button variant="primary" onClick={() => h.lowerRank?.()} data-testid="hint-action">{t.hint.lowerRank(8)}</Button> : null
    case 'use-next-port':
      return h.useNextPort && h.nextPort !== undefined ? <Button variant={variant} onClick={() => h.useNextPort?.()} data-testid={testId}>{t.hint.useNextPort(h.nextPort)}</Button> : null
    case 'lower-max-model-len':
      return h.lowerMaxModelLen && h.lowerMaxModelLenTo !== undefined ? (
        <Button variant={variant} onClick={() => h.lowerMaxModelLen?.()} data-testid={testId}>
          {t.hint.lowerMaxModelLen(fmt.int(h.lowerMaxModelLenTo))}
        </Button>
      ) : null
    case 'edit-local-server': {
      if (!h.editLocalServer) return null
      const named = typeof failure.details?.field === 'string' ? (failure.details.field as LocalServerField) : null
      return (
        <Button variant={variant} onClick={() => h.editLocalServer?.(action.field)} data-testid={testId}>
          {t.hint.editLocalServer(action.field ?? named)}
        </Button>
      )
    }
    default:
      // lower-max-length / lower-batch-size: the run screen renders them with concrete values (extra).
      return null
  }
}

const text = (x: unknown): string | null => (typeof x === 'string' ? x : null)

/** An API-key failure as facts: what the server did with which key, where that key came from, what to do. */
function KeyFailure({ failure, button, extra }: { failure: Failure; button: ReactNode; extra?: ReactNode }): React.JSX.Element {
  const { t, hint: hintOf } = useT()
  const d = failure.details ?? {}
  const source = text(d.keySource)
  const sent = text(d.keySentMasked)
  const server = text(d.server)
  const serverMessage = text(d.serverMessage)
  // Connection tests say envSet/envDiffers; the TuFT client's own failures (e.g. during a run) envKeySet/envKeyDiffers.
  const envSet = d.envSet === true || d.envKeySet === true
  const envDiffers = d.envDiffers === true || d.envKeyDiffers === true
  const hint = hintOf(failure.code)
  const known = source !== null
  return (
    <HintFrame
      code={failure.code}
      title={hint.title}
      what={
        <>
          {failure.code === 'missing-api-key' ? t.hint.keyMissing(server) : t.hint.keyRejected(server, sent)}
          {serverMessage && <div className="muted">{t.hint.serverSaid}<Quoted text={serverMessage} /></div>}
        </>
      }
      why={
        known ? (
          <ul className="hint-facts" data-testid="hint-key-facts">
            <li>{t.hint.keySentFact(source, sent)}</li>
            {source !== 'TINKER_API_KEY' && <li>{t.hint.envFact(envSet, envDiffers, text(d.envKeyMasked))}</li>}
            {envDiffers && <li>{t.hint.sdkNote}</li>}
          </ul>
        ) : (
          hint.why
        )
      }
      fix={known && source !== 'sandbox' && source !== 'local-server' ? t.hint.keyFix(source, envDiffers) : hint.fix}
      button={button}
      extra={extra}
    />
  )
}

/** Words a server or the system sent, shown as they came: they are not ours to translate. */
function Quoted({ text }: { text: string }): React.JSX.Element {
  return <span className="quoted">{text}</span>
}

function What({ said }: { said: WhatHappened }): React.JSX.Element {
  const q = said.quote
  if (!q) return <>{said.text}</>
  return q.inline ? (
    <>
      {said.text}
      {q.label}
      <Quoted text={q.text} />
    </>
  ) : (
    <>
      {said.text}
      <div className="muted small">
        {q.label}
        <Quoted text={q.text} />
      </div>
    </>
  )
}

/** What happened, in the reader's words where the facts allow, for a failure shown inline rather than in a hint. */
export function FailureWhat({ failure }: { failure: Failure }): React.JSX.Element {
  const { t, fmt } = useT()
  const said = whatHappened(t, fmt, failure)
  return said ? <What said={said} /> : <>{failure.message}</>
}

/** The frame every failure is shown in: its title, what happened, why, how to fix it, and its fix buttons. */
function HintFrame({ code, title, what, why, fix, button, extra }: { code: string; title: string; what: ReactNode; why: ReactNode; fix: ReactNode; button: ReactNode; extra?: ReactNode }): React.JSX.Element {
  const { t } = useT()
  return (
    <div className="hint" role="alert" data-testid="hint" data-code={code}>
      <div className="hint-title">{title}</div>
      <dl className="hint-body">
        <dt>{t.hint.whatHappened}</dt>
        <dd data-testid="hint-message">{what}</dd>
        <dt>{t.hint.why}</dt>
        <dd>{why}</dd>
        <dt>{t.hint.fix}</dt>
        <dd data-testid="hint-fix">{fix}</dd>
      </dl>
      {(button || extra) && (
        <div className="hint-actions">
          {button}
          {extra}
        </div>
      )}
    </div>
  )
}

/**
 * What was tried before this hub failure and what is left: the endpoint that failed (and that it was a mirror),
 * others that failed lately, the proxy the request used or how to set one, and — when main knows no mirror left
 * to try — that the next step is another mirror or working without the hub.
 */
function HubFacts({ details, offerNext }: { details: Record<string, unknown>; offerNext: boolean }): React.JSX.Element | null {
  const { t, fmt } = useT()
  const endpoint = typeof details.endpoint === 'string' ? details.endpoint : null
  if (!endpoint) return null
  const tried = (Array.isArray(details.triedEndpoints) ? details.triedEndpoints : []).filter((e): e is string => typeof e === 'string' && e !== endpoint)
  const mirrorTried = tried.length > 0
  const proxy = typeof details.proxy === 'string' ? details.proxy : null
  const variable = typeof details.proxyVariable === 'string' ? details.proxyVariable : 'HTTPS_PROXY'
  const noMirrorLeft = Object.hasOwn(details, 'suggestedEndpoint') && details.suggestedEndpoint === null
  return (
    <ul className="hint-facts" data-testid="hint-hub-facts">
      <li data-testid="hint-hub-tried">{mirrorTried ? t.hint.hubMirrorFailedToo(endpoint) : t.hint.hubTried(endpoint)}</li>
      {mirrorTried && <li>{t.hint.hubAlsoFailed(fmt.list(tried))}</li>}
      <li>{proxy ? t.hint.hubViaProxy(proxy, variable) : t.hint.hubNoProxy}</li>
      {offerNext && <li data-testid="hint-hub-next">{noMirrorLeft ? t.hint.hubAllMirrorsTried : t.hint.hubOffline}</li>}
    </ul>
  )
}

export function HintPanel({ failure, handlers = {}, extra }: { failure: Failure; handlers?: HintHandlers; extra?: ReactNode }): React.JSX.Element {
  const { t, fmt, hint: hintOf } = useT()
  const hint = hintOf(failure.code)
  const details = failure.details ?? {}
  const said = whatHappened(t, fmt, failure)
  const isKey = failure.code === 'invalid-api-key' || failure.code === 'missing-api-key'
  const first = actionButton(t, fmt, failure, hint.action, handlers)
  const second = actionButton(t, fmt, failure, hint.also, handlers, 'also')
  const button = first && second ? <>{first}{second}</> : (first ?? second)
  if (isKey) return <KeyFailure failure={failure} button={button} extra={extra} />
  return (
    <HintFrame
      code={failure.code}
      title={hint.title}
      what={said ? <What said={said} /> : failure.message}
      why={hint.why}
      fix={
        <>
          {/* The occurrence's own advice first (when main gave one), then the catalogue's general fix. */}
          {failure.hint && <div>{failure.hint}</div>}
          <div className={failure.hint ? 'muted' : undefined}>{hint.fix}</div>
          {isHubFailure(failure) && <HubFacts details={details} offerNext={!!extra} />}
        </>
      }
      button={button}
      extra={extra}
    />
  )
}
