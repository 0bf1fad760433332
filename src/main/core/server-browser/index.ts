// The "Server" view and "Use this model" behind the contract and `npm run cli -- server runs|checkpoints`: what an
// API key owns on a TuFT server, linked to local history, and the adapter download. No Electron imports.
export { browseRuns, browseRun, serverRunsJson, type ServerRunsJson } from './browse'
export { downloadAdapter, type DownloadProgress } from './download'
