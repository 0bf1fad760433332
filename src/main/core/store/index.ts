export { openDb, migrate, reclaimSpace, type Db } from './db'
export { studioHome, databasePath, blobDir, downloadsDir, sandboxDataDir, resourcePath, childPath } from './paths'
export type { Migration } from './migrations'
