import { BrowserWindow, shell, type WebContents } from 'electron'
import { decideWindowOpen, isAllowedNavigation, isPermissionAllowed, secureWebPreferences } from '../security'

/** Applies the navigation, new-window, webview and permission policy to any web contents. */
export function lockDown(contents: WebContents, appOrigin: string): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault()
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url)
    if (decision.openExternally) void shell.openExternal(decision.openExternally)
    return { action: decision.action }
  })
  contents.session.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)))
  contents.session.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission))
}

export function createMainWindow(opts: { preload: string; startUrl: string; appOrigin: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'TuFT Studio',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(opts.preload),
  })
  lockDown(win.webContents, opts.appOrigin)
  win.once('ready-to-show', () => win.show())
  void win.loadURL(opts.startUrl)
  return win
}
