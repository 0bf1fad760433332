import type { IpcMain, WebContents } from 'electron'
import { CHANNELS, IPC_EVENT_CHANNEL, IPC_PICKED_FROM_FILE_CHANNEL, ipcChannel } from '../../shared/contract'
import { fail } from '../../shared/result'
import type { StudioApp } from '../api/app'
import { grantFromPreload } from '../api/file-grants'
import { isTrustedSender } from '../security'

type Handle = Pick<IpcMain, 'handle'>

/**
 * One ipcMain handler per contract channel. Each checks that the call comes from our own top-level page
 * before the (validating) dispatch runs; push events go to every window.
 */
export function wireIpc(
  ipc: Handle,
  studio: Pick<StudioApp, 'dispatch' | 'events' | 'files'>,
  appOrigin: string,
  windows: () => { webContents: Pick<WebContents, 'send'> }[],
): void {
  const refused = fail('invalid-input', 'Request refused: it did not come from the TuFT Studio window.')
  const trusted = (event: Parameters<Parameters<Handle['handle']>[1]>[0]): boolean => {
    const frame = event.senderFrame
    return isTrustedSender(frame ? { url: frame.url, isMainFrame: frame === event.sender.mainFrame } : null, appOrigin)
  }
  for (const channel of CHANNELS) ipc.handle(ipcChannel(channel), (event, input: unknown) => (trusted(event) ? studio.dispatch(channel, input) : refused))
  // A file the user dropped or chose in the page, by the path the preload got from Electron for it.
  ipc.handle(IPC_PICKED_FROM_FILE_CHANNEL, (event, input: unknown) => (trusted(event) ? grantFromPreload(studio.files, input) : refused))
  studio.events.attach((event, payload) => {
    for (const win of windows()) win.webContents.send(IPC_EVENT_CHANNEL, { event, payload })
  })
}
