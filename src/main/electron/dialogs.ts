import type { BrowserWindow, Dialog, OpenDialogOptions } from 'electron'
import type { DialogPurpose } from '../../shared/contract'
import { openDialogOptions } from '../api/file-grants'
import type { PathPicker } from '../api/handlers'

/**
 * The desktop's one open dialog, behind both `filePick` (main keeps the path, the page gets a handle) and
 * `pickFolder` (a folder whose path the user sees in the local server's config): Electron's dialog for the purpose,
 * attached to the app's window so it is modal to it, with the title and file-type name in the UI's language. Only
 * what the user picked comes back; nothing is read here.
 */
export function pathPicker(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  window: () => BrowserWindow | null,
  labels: (purpose: DialogPurpose) => { title?: string; filterName?: string },
): PathPicker {
  return async (purpose, o = {}) => {
    const options = openDialogOptions(purpose, labels(purpose), o.defaultPath) as OpenDialogOptions
    const win = window()
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return r.canceled ? null : (r.filePaths[0] ?? null)
  }
}
