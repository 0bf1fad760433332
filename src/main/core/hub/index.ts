export { resolveHubEndpoint, resolveHubToken } from './endpoint'
export { toHubError } from './errors'
export type { HubCallOptions, HubProgress, RepoType } from './hub-fetch'
export { downloadHubFile, downloadUrlToFile, type DownloadHubFileOptions, type DownloadedFile, type UrlDownload } from './download'
export {
  listHubFiles,
  resolveHubRevision,
  findDatasetSplits,
  parquetApiSplits,
  splitsFromTree,
  splitOfPath,
  type HubFileEntry,
  type SplitFile,
  type DatasetSplitFiles,
} from './listing'
export { proxyFor, makeProxiedFetch } from './proxy'
export { probeHub, type HubProbeResult } from './probe'
