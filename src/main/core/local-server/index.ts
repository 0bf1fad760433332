// A TuFT server on this machine: detect TuFT, check model folders, write tuft_config.yaml, start/stop it with its
// log followed, and recognise why a start failed. No Electron imports: used by the app, `npm run cli -- server`
// and the tokenizer loader (which takes a served model's tokenizer from its folder).
export { detectTuft, findOnPath } from './detect'
export { inspectModelFolder, readSafetensorsHeader, estimateParameters, expandHome } from './model-folder'
export {
  buildTuftConfig,
  renderTuftYaml,
  resolveModels,
  configProblems,
  authorizedUsersOf,
  checkpointDirOf,
  type ResolvedModel,
} from './tuft-config'
export { recogniseStartupFailure, diagnoseExit, type StartupDiagnosis } from './startup-errors'
export { LogTail } from './log-tail'
export { LocalKeys, generateApiKey, type KeySealer } from './keys'
export { servedModelDir, readRecord, writeRecord, localServerDir, defaultConfigPath, type ServerRecord } from './files'
export {
  LocalServerManager,
  clientUrl,
  DEFAULT_LOCAL_USER,
  type LocalServerOptions,
  type StartOptions,
  type LocalServerProgress,
} from './manager'
