/**
 * Node-only helpers shared by the app (src/main) and the sandbox (src/sandbox), which import nothing from each
 * other: worker threads that run from sources and from the build, and where the data folder lives.
 */
export { spawnModuleWorker } from './spawn-worker'
export { studioHome, sandboxDataDir } from './data-dir'
export { resourcePath } from './resources'
