export { spawnModuleWorker } from './spawn-worker'
