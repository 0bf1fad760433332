import type { IpcMain, WebContents } from 'electron'
import { CHANNELS, IPC_EVENT_CHANNEL, ipcChannel } from '../../shared/contract'
import { fail } from '../../shared/result'
import type { StudioApp } from '../api/app'
import { isTrustedSender } from '../security'

type Handle = Pick<IpcMain, 'handle'>

/**
 * One ipcMain handler per contract channel. Each checks that the call comes from our own top-level page
 * before the (validating) dispatch runs; push events go to every window.
 */
export function wireIpc(ipc: Handle, studio: Pick<StudioApp, 'dispatch' | 'events'>, appOrigin: string, windows: () => { webContents: Pick<WebContents, 'send'> }[]): void {
  for (const channel of CHANNELS) {
    ipc.handle(ipcChannel(channel), (event, input: unknown) => {
      const frame = event.senderFrame
      const trusted = isTrustedSender(frame ? { url: frame.url, isMainFrame: frame === event.sender.mainFrame } : null, appOrigin)
      if (!trusted) return fail('invalid-input', 'Request refused: it did not come from the TuFT Studio window.')
      return studio.dispatch(channel, input)
    })
  }
  studio.events.attach((event, payload) => {
    for (const win of windows()) win.webContents.send(IPC_EVENT_CHANNEL, { event, payload })
  })
}
