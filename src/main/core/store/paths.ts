import path from 'node:path'
import { studioHome } from '../../../platform/data-dir'

export { studioHome, sandboxDataDir } from '../../../platform/data-dir'
export { resourcePath } from '../../../platform/resources'

export const databasePath = (home = studioHome()): string => path.join(home, 'studio.sqlite')
export const blobDir = (home = studioHome()): string => path.join(home, 'blobs')
export const downloadsDir = (home = studioHome()): string => path.join(home, 'downloads')
