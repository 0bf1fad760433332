/**
 * One scrubber for secrets, applied where a text is born (StudioError, Failure) and again where it leaves the
 * process (stored, printed, logged, sent to the page). It removes every key this process knows — registered
 * by the code that holds it: the TuFT client, settings, the sandbox, the hub, the CLIs — and any string that
 * looks like a key, whoever's it is.
 */

import { KEY_MASK_MIN_LENGTH, KEY_MASK_VISIBLE_CHARS } from './defaults'

export const REDACTED = '[redacted]'

/** Shorter values are not treated as secrets: removing them would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4

/** Key-looking strings: Tinker/TuFT keys, Hugging Face and OpenAI-style tokens, bearer credentials. */
const KEY_PATTERNS: RegExp[] = [
  /\btml-[A-Za-z0-9_-]{8,}/g,
  /\bhf_[A-Za-z0-9]{16,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
]
/** A label that names a credential, then its value (`api_key=…`, `"X-API-Key": "…"`, `Bearer …`): only the value goes. */
const LABELLED =
  /\b((?:x-)?api[_-]?key|access[_-]?token|auth[_-]?token|hf[_-]?token|password|secret)(["']?\s*[:=]\s*["']?)([^\s"',;&]{4,})/gi
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi
/** The password in a URL's userinfo (`https://user:password@host`). */
const URL_PASSWORD = /(\/\/[^/\s:@]+:)[^/\s@]+@/g

const known = new Set<string>()
const sources = new Set<() => Iterable<string | null | undefined>>()

/** Adds a secret value this process holds (an API key, a token) to every later scrub. */
export function registerSecret(value: string | null | undefined): void {
  const v = value?.trim()
  if (v && v.length >= MIN_SECRET_LENGTH) known.add(v)
}

/** Adds a live list of secrets (e.g. the stored key, which can change); returns the way to remove it. */
export function registerSecretSource(source: () => Iterable<string | null | undefined>): () => void {
  sources.add(source)
  return () => sources.delete(source)
}

function knownSecrets(extra: readonly string[], allow: readonly string[] = []): string[] {
  const all = new Set(known)
  for (const source of sources) {
    try {
      for (const s of source()) if (s && s.trim().length >= MIN_SECRET_LENGTH) all.add(s.trim())
    } catch {
      // A source whose owner is gone (a closed store) has nothing to add.
    }
  }
  for (const s of extra) if (s.length >= MIN_SECRET_LENGTH) all.add(s)
  for (const s of allow) all.delete(s.trim())
  // Longest first, so a key that contains another one is removed whole.
  return [...all].sort((a, b) => b.length - a.length)
}

const scrubWith = (text: string, secrets: readonly string[], patterns: boolean): string => {
  let out = text
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED)
  if (!patterns) return out
  for (const p of KEY_PATTERNS) out = out.replace(p, REDACTED)
  return out
    .replace(LABELLED, (m, label: string, sep: string, value: string) =>
      value === REDACTED ? m : `${label}${sep}${REDACTED}`,
    )
    .replace(BEARER, `$1${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
}

export type ScrubOptions = {
  /** Secrets known to the caller only, on top of the registered ones. */
  extra?: readonly string[]
  /** Also remove key-looking strings (default true); data shown to the user keeps them, error texts do not. */
  patterns?: boolean
  /** Secrets to leave in place: only for a reply that is that secret, asked for by the user (e.g. to copy it). */
  allow?: readonly string[]
}

/** A text with every known secret and every key-looking string replaced by `[redacted]`. */
export function scrubSecrets(text: string, opts: ScrubOptions = {}): string {
  return scrubWith(text, knownSecrets(opts.extra ?? [], opts.allow), opts.patterns ?? true)
}

/** The same for every string inside a value (objects, arrays); the value itself is returned when nothing changed. */
export function scrubDeep<T>(value: T, opts: ScrubOptions = {}): T {
  const secrets = knownSecrets(opts.extra ?? [], opts.allow)
  const patterns = opts.patterns ?? true
  if (secrets.length === 0 && !patterns) return value
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrubWith(v, secrets, patterns)
    if (depth > 20 || v === null || typeof v !== 'object') return v
    if (Array.isArray(v)) {
      const out = v.map((x) => walk(x, depth + 1))
      return out.some((x, i) => x !== v[i]) ? out : v
    }
    if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v
    const entries = Object.entries(v)
    const out = entries.map(([k, x]) => [k, walk(x, depth + 1)] as const)
    return out.some(([, x], i) => x !== entries[i][1]) ? Object.fromEntries(out) : v
  }
  return walk(value, 0) as T
}

/**
 * What the user may see of a key: its last characters (`…a1b2`), enough to compare it with the key they meant
 * to use, never enough to use it. Keys too short to spare any characters show as `…`; no key gives null.
 */
export function maskKey(key: string | null | undefined): string | null {
  const k = key?.trim()
  if (!k) return null
  return k.length >= KEY_MASK_MIN_LENGTH ? `\u2026${k.slice(-KEY_MASK_VISIBLE_CHARS)}` : '\u2026'
}
