/**
 * The browser-fallback transport (used by the renderer when there is no preload): the same `StudioApi` the Electron preload exposes, carried over one
 * WebSocket to the bridge in the main process. Requests are matched to replies by id; push events are
 * fanned out to subscribers. While the socket is down, calls wait for it to reconnect instead of failing.
 */
import {
  BRIDGE_TOKEN_PARAM,
  BRIDGE_WS_PATH,
  CHANNELS,
  type BridgeMessage,
  type ChannelName,
  type EventName,
  type StudioApi,
  type StudioEvents,
} from './contract'
import { fail, type Result } from './result'

type Pending = { resolve: (r: Result<unknown>) => void }
type Listener = (payload: unknown) => void

/** The part of the WebSocket API used here; the browser's WebSocket and the `ws` package both provide it. */
export type WebSocketLike = {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: unknown) => void) | null
}
export type WebSocketCtor = { new (url: string): WebSocketLike; readonly OPEN: number }

export type WsApiOptions = {
  /** ws://host:port of the bridge. */
  baseUrl: string
  token: string
  /** The browser's WebSocket in the renderer; the `ws` package in Node tests. */
  WebSocketImpl: WebSocketCtor
  reconnectDelayMs?: number
}

export function createWsApi(opts: WsApiOptions): StudioApi & { close: () => void } {
  const Impl = opts.WebSocketImpl
  const url = `${opts.baseUrl}${BRIDGE_WS_PATH}?${BRIDGE_TOKEN_PARAM}=${encodeURIComponent(opts.token)}`
  const pending = new Map<number, Pending>()
  const listeners = new Map<EventName, Set<Listener>>()
  const queue: string[] = []
  let nextId = 1
  let socket: WebSocketLike | null = null
  let closed = false

  const connect = (): void => {
    const ws = new Impl(url)
    socket = ws
    ws.onopen = () => {
      for (const frame of queue.splice(0)) ws.send(frame)
    }
    ws.onmessage = (ev) => {
      let msg: BridgeMessage
      try {
        msg = JSON.parse(String(ev.data)) as BridgeMessage
      } catch {
        return
      }
      if (msg.kind === 'reply') {
        const p = pending.get(msg.id)
        pending.delete(msg.id)
        p?.resolve(msg.result)
      } else if (msg.kind === 'event') {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload)
      }
    }
    ws.onclose = () => {
      socket = null
      // Requests in flight are lost with the connection; tell their callers instead of hanging forever.
      for (const [id, p] of pending) {
        pending.delete(id)
        p.resolve(fail('internal', 'The connection to TuFT Studio was lost; please retry.'))
      }
      if (!closed) setTimeout(connect, opts.reconnectDelayMs ?? 500)
    }
  }
  connect()

  const invoke = (channel: ChannelName, input: unknown): Promise<Result<unknown>> =>
    new Promise((resolve) => {
      const id = nextId++
      pending.set(id, { resolve })
      const frame = JSON.stringify({ id, channel, input: input ?? {} })
      if (socket && socket.readyState === Impl.OPEN) socket.send(frame)
      else queue.push(frame)
    })

  const methods = Object.fromEntries(CHANNELS.map((c) => [c, (input?: unknown) => invoke(c, input)]))
  const on = <E extends EventName>(event: E, listener: (payload: StudioEvents[E]) => void): (() => void) => {
    const set = listeners.get(event) ?? new Set<Listener>()
    listeners.set(event, set)
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }
  return {
    ...(methods as unknown as Omit<StudioApi, 'on'>),
    on,
    close: () => {
      closed = true
      socket?.close()
    },
  }
}
