/**
 * The renderer's one entry to the main process. In the desktop app the preload exposes `window.studio`;
 * in the browser fallback (npm run serve / npm start without Electron) there is no preload, so the same
 * API is carried over a WebSocket authenticated with the per-launch token from the address bar.
 * Components import `api` from here and never know which transport they use.
 */
import { BRIDGE_TOKEN_PARAM, type StudioApi } from '../../../shared/contract'
import { createWsApi, type WebSocketCtor } from '../../../shared/bridge-client'

declare global {
  interface Window {
    studio?: StudioApi
  }
}

const TOKEN_STORAGE_KEY = 'tuft-studio-bridge-token'

/** Reads the token once, then removes it from the address bar so it does not end up in screenshots or history. */
function takeBridgeToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get(BRIDGE_TOKEN_PARAM)
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl)
    url.searchParams.delete(BRIDGE_TOKEN_PARAM)
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? ''
}

let token = ''

function createApi(): StudioApi {
  if (window.studio) return window.studio
  const wsBase = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}`
  token = takeBridgeToken()
  return createWsApi({ baseUrl: wsBase, token, WebSocketImpl: WebSocket as unknown as WebSocketCtor })
}

export const api: StudioApi = createApi()

/** The browser bridge's per-launch token (empty in the desktop app), for the upload route's header. */
export const bridgeToken = (): string => token
export type { StudioApi } from '../../../shared/contract'
