import type { BrowserWindow, Dialog } from 'electron'
import type { FolderPicker } from '../api/handlers'

/**
 * The folder picker behind the `pickFolder` channel: Electron's open dialog, attached to the app's window so it is
 * modal to it. Only a folder the user picked comes back; nothing is read from it here.
 */
export function folderPicker(dialog: Pick<Dialog, 'showOpenDialog'>, window: () => BrowserWindow | null): FolderPicker {
  return async ({ title, defaultPath }) => {
    const options = { title, defaultPath, properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'] as ('openDirectory' | 'createDirectory' | 'dontAddToRecent')[] }
    const win = window()
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return r.canceled ? null : (r.filePaths[0] ?? null)
  }
}
