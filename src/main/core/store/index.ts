export { openDb, migrate, type Db } from './db'
export { studioHome, databasePath, blobDir, downloadsDir, sandboxDataDir, resourcePath } from './paths'
export type { Migration } from './migrations'
