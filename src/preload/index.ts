/**
 * The only bridge between the sandboxed renderer and the main process: named functions from the contract,
 * nothing else (no raw ipcRenderer, no Node). Built as CommonJS so the renderer sandbox can stay on.
 * Types only are imported from the contract, so no schema code runs here.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { ChannelName, EventName, InputOf, OutputOf, PickedFile, PickPurpose, StudioApi, StudioEvents } from '../shared/contract'
import type { Result } from '../shared/result'

const call =
  <C extends ChannelName>(channel: C) =>
  (input?: InputOf<C>): Promise<Result<OutputOf<C>>> =>
    ipcRenderer.invoke(`studio:${channel}`, input ?? {})

const EVENT_CHANNEL = 'studio:event'
/** IPC_PICKED_FROM_FILE_CHANNEL of the contract (only types are imported from it here). */
const PICKED_FROM_FILE_CHANNEL = 'studio-picked:from-file'

const api = {
  appInfo: call('appInfo'),
  settingsGet: call('settingsGet'),
  settingsSet: call('settingsSet'),
  apiKeySet: call('apiKeySet'),
  apiKeyClear: call('apiKeyClear'),
  hfTokenSet: call('hfTokenSet'),
  hfTokenClear: call('hfTokenClear'),
  cacheInfo: call('cacheInfo'),
  cacheClear: call('cacheClear'),
  connectionDiscover: call('connectionDiscover'),
  connectionTest: call('connectionTest'),
  sandboxStart: call('sandboxStart'),
  sandboxStop: call('sandboxStop'),
  sandboxStatus: call('sandboxStatus'),
  sandboxKeyCopy: call('sandboxKeyCopy'),
  localServerDetect: call('localServerDetect'),
  localServerInspect: call('localServerInspect'),
  localServerPlan: call('localServerPlan'),
  localServerStart: call('localServerStart'),
  localServerStop: call('localServerStop'),
  localServerStatus: call('localServerStatus'),
  localServerLogs: call('localServerLogs'),
  localServerKeepRunning: call('localServerKeepRunning'),
  pickFolder: call('pickFolder'),
  serverRuns: call('serverRuns'),
  serverRun: call('serverRun'),
  serverCheckpointDelete: call('serverCheckpointDelete'),
  serverCheckpointPublish: call('serverCheckpointPublish'),
  serverCheckpointDownload: call('serverCheckpointDownload'),
  useModelSnippets: call('useModelSnippets'),
  tryChat: call('tryChat'),
  opCancel: call('opCancel'),
  filePick: call('filePick'),
  fileRelease: call('fileRelease'),
  hubProbe: call('hubProbe'),
  datasetImport: call('datasetImport'),
  datasetList: call('datasetList'),
  datasetPage: call('datasetPage'),
  datasetRejections: call('datasetRejections'),
  datasetDelete: call('datasetDelete'),
  tokenizerLoad: call('tokenizerLoad'),
  tokenizerUseFolder: call('tokenizerUseFolder'),
  tokenizerForgetFolder: call('tokenizerForgetFolder'),
  examplePreview: call('examplePreview'),
  tokenStats: call('tokenStats'),
  runStart: call('runStart'),
  runPause: call('runPause'),
  runResume: call('runResume'),
  runStop: call('runStop'),
  runCancel: call('runCancel'),
  runList: call('runList'),
  runGet: call('runGet'),
  runMetrics: call('runMetrics'),
  runRename: call('runRename'),
  runResumeHistory: call('runResumeHistory'),
  runDelete: call('runDelete'),
  runCompare: call('runCompare'),
  runExport: call('runExport'),
  sweepStart: call('sweepStart'),
  sweepCancel: call('sweepCancel'),
  sweepList: call('sweepList'),
  sweepGet: call('sweepGet'),
  playgroundSample: call('playgroundSample'),
  // Electron knows where a dropped or chosen File is on disk; a File the page built itself has no path, so the
  // page cannot name a file this way. The path goes to main, which checks it for the purpose and grants it.
  pickedFromFile: async (file: object, purpose: PickPurpose): Promise<Result<PickedFile>> => {
    let where = ''
    try {
      where = webUtils.getPathForFile(file as File)
    } catch {
      where = ''
    }
    if (!where) return { ok: false, code: 'invalid-input', message: 'This is not a file from this computer: choose or drop a file.' }
    return ipcRenderer.invoke(PICKED_FROM_FILE_CHANNEL, { path: where, purpose })
  },
  checkpointUsage: call('checkpointUsage'),
  checkpointCleanup: call('checkpointCleanup'),
  compareGenerations: call('compareGenerations'),
  on: <E extends EventName>(event: E, listener: (payload: StudioEvents[E]) => void): (() => void) => {
    const handler = (_e: IpcRendererEvent, msg: { event: EventName; payload: unknown }): void => {
      if (msg.event === event) listener(msg.payload as StudioEvents[E])
    }
    ipcRenderer.on(EVENT_CHANNEL, handler)
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler)
  },
} satisfies StudioApi

contextBridge.exposeInMainWorld('studio', api)
