/**
 * The Electron entry. Thin by design: the security policy lives in ../security (pure, unit-tested), the
 * contract's implementation in ../api (shared with the browser bridge), the engine in ../core.
 */
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron'
import { createStudioApp, type StudioApp } from './api/app'
import { createLiveCore } from './api/live-core'
import { createKeyFileSecretStore, createSafeStorageSecretStore } from './api/secret-store'
import { i18nFor, resolveLocale } from '../shared/i18n'
import { studioHome } from './core/store'
import { applyDevServerPolicy, registerAppScheme, serveRenderer } from './electron/protocol'
import { wireIpc } from './electron/ipc'
import { createMainWindow } from './electron/window'
import { pathPicker } from './electron/dialogs'
import { PICK_PURPOSES, type DialogPurpose, type PickPurpose } from '../shared/contract'
import { APP_ORIGIN, resolveDevRenderer } from './security'

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url))
const PRELOAD = here('../preload/index.cjs')
const RENDERER_DIR = here('../renderer')

// electron-vite dev serves the renderer over http on this machine; a packaged or built app uses app://studio.
const dev = resolveDevRenderer(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
if (dev && 'rejected' in dev) console.error(`Ignoring ELECTRON_RENDERER_URL=${dev.rejected}: the dev server must be an http(s) address on this machine.`)
const devServer = dev && 'url' in dev ? dev : null
const appOrigin = devServer?.origin ?? APP_ORIGIN
const startUrl = devServer?.url ?? `${APP_ORIGIN}/index.html`

registerAppScheme()
if (!app.requestSingleInstanceLock()) app.quit()

let studio: StudioApp | null = null
const isPickPurpose = (p: DialogPurpose): p is PickPurpose => (PICK_PURPOSES as readonly string[]).includes(p)

void app.whenReady().then(() => {
  const dataDir = studioHome()
  const secrets = createSafeStorageSecretStore(safeStorage) ?? createKeyFileSecretStore(dataDir)
  studio = createStudioApp({
    mode: 'electron',
    version: app.getVersion(),
    // The renderer picks its language from these until the user chooses one.
    systemLocales: [app.getLocale()],
    dataDir,
    secrets,
    core: createLiveCore,
    log: (line) => console.error(line),
    // The OS's own open dialog: the only way a path from this machine reaches an import (see api/file-grants.ts).
    pickPath: pathPicker(
      dialog,
      () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null,
      (purpose) => {
        const { t } = i18nFor(resolveLocale(studio?.settings.view().locale ?? null, [app.getLocale()]))
        return { title: t.files.dialogTitle[purpose], ...(isPickPurpose(purpose) ? { filterName: t.files.filterName[purpose] } : {}) }
      },
    ),
  })
  wireIpc(ipcMain, studio, appOrigin, () => BrowserWindow.getAllWindows())
  if (devServer) applyDevServerPolicy(session.defaultSession, devServer.origin)
  else serveRenderer(RENDERER_DIR)
  createMainWindow({ preload: PRELOAD, startUrl, appOrigin })
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow({ preload: PRELOAD, startUrl, appOrigin })
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let closing = false
app.on('before-quit', (event) => {
  if (closing || !studio) return
  // Let running work record its state (runs are marked and resumable) before the process exits.
  event.preventDefault()
  closing = true
  void studio.close().finally(() => app.quit())
})
