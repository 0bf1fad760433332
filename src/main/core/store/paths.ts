import path from 'node:path'
import { studioHome } from '../../../platform/data-dir'
import { StudioError } from '../../../shared/result'
import { hasControlChars } from '../../../shared/text'

export { studioHome, sandboxDataDir } from '../../../platform/data-dir'
export { resourcePath } from '../../../platform/resources'

export const databasePath = (home = studioHome()): string => path.join(home, 'studio.sqlite')
export const blobDir = (home = studioHome()): string => path.join(home, 'blobs')
export const downloadsDir = (home = studioHome()): string => path.join(home, 'downloads')

/**
 * `parent/seg/seg…` for segments that come from outside data (a hub reply, a file listing): each segment
 * must be one plain name (no separator, not `.` or `..`, no NUL or control character), and the result
 * must still lie inside `parent` once resolved. Every path built from such a name goes through here.
 */
export function childPath(parent: string, ...segments: string[]): string {
  for (const s of segments)
    if (!s || s === '.' || s === '..' || /[/\\]/.test(s) || hasControlChars(s) || path.isAbsolute(s))
      throw new StudioError('invalid-input', `Refusing the path segment ${JSON.stringify(s)} under ${parent}: it is not a plain name`)
  const base = path.resolve(parent)
  const full = path.resolve(base, ...segments)
  const rel = path.relative(base, full)
  if (!rel || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    throw new StudioError('invalid-input', `Refusing ${full}: it is not inside ${base}`)
  return full
}
