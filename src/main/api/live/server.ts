import path from 'node:path'
import type {
  AdapterDownload,
  ServerRunDetail,
  ServerRunsView,
  TryChatResult,
} from '../../../shared/server-browser'
import { browseRun, browseRuns, downloadAdapter } from '../../core/server-browser'
import { runRowFacts, runsByServerModelIds } from '../../core/runs'
import type { Db } from '../../core/store'
import { createTuftClient, parseCheckpointPath, type CheckpointRef, type TuftClient } from '../../core/tuft'
import type { Cancellable, CoreContext, ServerTarget, TryChatMessage } from '../core'

/** Where "Download adapter" saves checkpoints: `<data>/adapters/<run>/<weights|sampler_weights>/<name>/`. */
export const adaptersDir = (dataDir: string): string => path.join(dataDir, 'adapters')

/** The server browser and "Use this model" over the TuFT client, one client per call. */
export function createServerAccess(db: () => Db, ctx: CoreContext) {
  const withClient = async <T>(server: ServerTarget, work: (c: TuftClient) => Promise<T>): Promise<T> => {
    const c = createTuftClient({ url: server.url, apiKey: server.apiKey, env: ctx.env })
    try {
      return await work(c)
    } finally {
      c.close()
    }
  }
  return {
    browseServerRuns: (server: ServerTarget, o: Cancellable): Promise<ServerRunsView> =>
      withClient(server, (c) => browseRuns(c, db(), { ...o, sandbox: server.isSandbox })),
    browseServerRun: (server: ServerTarget, id: string): Promise<ServerRunDetail> =>
      withClient(server, (c) => browseRun(c, db(), id)),
    // A run the server no longer lists (unloaded when it ended) still has its base model in local history.
    serverRunBaseModel: (server: ServerTarget, id: string): Promise<string> =>
      withClient(server, async (c) => {
        try {
          return (await c.getTrainingRun(id)).base_model
        } catch (err) {
          const local = runsByServerModelIds(db(), [id]).get(id)
          if (local) return runRowFacts(db(), local.runId).baseModel
          throw err
        }
      }),
    deleteServerCheckpoint: (server: ServerTarget, p: string): Promise<void> =>
      withClient(server, (c) => c.deleteCheckpoint(p)),
    setServerCheckpointPublic: (server: ServerTarget, p: string, isPublic: boolean): Promise<void> =>
      withClient(server, (c) => c.setCheckpointPublic(p, isPublic)),
    downloadServerCheckpoint: (
      server: ServerTarget,
      p: string,
      o: Cancellable & { serverIsLocal: boolean; folderOnThisMachine?: (ref: CheckpointRef) => string | null },
    ): Promise<AdapterDownload> => {
      parseCheckpointPath(p)
      return withClient(server, (c) =>
        downloadAdapter(c, p, adaptersDir(ctx.dataDir), {
          signal: o.signal,
          serverIsLocal: o.serverIsLocal,
          onProgress: o.onProgress,
          folderOnThisMachine: o.folderOnThisMachine,
        }),
      )
    },
    tryChat: (
      server: ServerTarget,
      req: {
        model: string
        messages: TryChatMessage[]
        maxTokens: number
        temperature?: number
        seed?: number
      },
    ): Promise<TryChatResult> =>
      withClient(server, (c) =>
        c.oaiChat({
          model: req.model,
          messages: req.messages,
          max_tokens: req.maxTokens,
          temperature: req.temperature,
          seed: req.seed,
        }),
      ),
  }
}
