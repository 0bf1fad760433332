import { isSplitName } from '../../../shared/names'
import { StudioError } from '../../../shared/result'
import { hasControlChars } from '../../../shared/text'

/**
 * Names and paths that arrive in a hub or mirror reply are outside data: the app may write files named
 * after them and shows them to the user. Names the reply declares (a split or config of the parquet API)
 * must be valid names or the reply is refused; names we derive from file paths are reduced to valid ones.
 */
const shown = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s)

/** A split or config name the reply declares: used as is when valid, else the whole reply is refused. */
export function declaredName(kind: 'split' | 'config', value: string, url: string): string {
  // Object.prototype's own names (__proto__, constructor…) would alias built-ins wherever a name is a key.
  if (isSplitName(value) && !Object.hasOwn(Object.prototype, value)) return value
  throw new StudioError('hf-bad-reply', `${url} declared the ${kind} name ${shown(value)}, which is not a valid ${kind} name`, {
    url,
    [kind]: value.slice(0, 200),
  })
}

/** A file path inside a repository, as a tree listing gives it: `/`-separated plain names. */
export function repoPath(p: string, url: string): string {
  const segments = p.split('/')
  if (segments.every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\\') && !hasControlChars(s))) return p
  throw new StudioError('hf-bad-reply', `${url} listed the file path ${shown(p)}, which is not a plain path inside the repository`, {
    url,
    path: p.slice(0, 200),
  })
}

/** A split name derived from a file name (`My Data.jsonl` → `My_Data`); `train` when nothing valid is left. */
export function derivedSplitName(raw: string): string {
  const cleaned = raw
    .replace(/[^\w.-]+/g, '_')
    .replace(/[.-]{2,}/g, '_')
    .replace(/^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$/g, '')
  return isSplitName(cleaned) && /[A-Za-z0-9]/.test(cleaned) ? cleaned : 'train'
}

/** A download URL the reply gave (the parquet API's file URLs): http(s) only. */
export function replyUrl(u: string, url: string): URL {
  let parsed: URL | undefined
  try {
    parsed = new URL(u)
  } catch {
    parsed = undefined
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return parsed
  throw new StudioError('hf-bad-reply', `${url} gave the file URL ${shown(u)}, which is not an http(s) URL`, { url })
}
