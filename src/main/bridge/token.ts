import crypto from 'node:crypto'

/** 32 random bytes, URL-safe: unguessable, and fresh for every launch. */
export const newBridgeToken = (): string => crypto.randomBytes(32).toString('base64url')

/** Compares in time independent of where the strings differ (hashing first also hides the length). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false
  const a = crypto.createHash('sha256').update(given).digest()
  const b = crypto.createHash('sha256').update(expected).digest()
  return crypto.timingSafeEqual(a, b)
}

/**
 * Every value the Cookie header gives `name` (a browser sends one per matching path and domain, and cookies are
 * shared by every port of a host, so another local app may have set one too), percent-decoded. A value that
 * does not decode (`%`, `%zz`, a cut UTF-8 sequence) is not a value at all: it only sets `malformed`.
 */
export function cookieValues(header: string | undefined, name: string): { values: string[]; malformed: boolean } {
  const values: string[] = []
  let malformed = false
  if (!header) return { values, malformed }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue
    try {
      values.push(decodeURIComponent(part.slice(eq + 1).trim()))
    } catch {
      malformed = true
    }
  }
  return { values, malformed }
}

/** A request target as a URL, or null when it is not one (`http://[`); never throws. */
export function parseRequestTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://bridge.invalid')
  } catch {
    return null
  }
}

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i

/**
 * The Host header must name a loopback address (any port, so an SSH tunnel from another local port still
 * works): a page on another site that DNS-rebinds its name to 127.0.0.1 is refused, and so is anything that
 * is not a plain host[:port].
 */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  const m = hostHeader ? LOOPBACK_HOST.exec(hostHeader) : null
  return !!m && (m[1] === undefined || Number(m[1]) <= 65535)
}

/** A WebSocket must come from the page we served: its Origin must be this very host (blocks cross-site sockets). */
export function isSameOriginSocket(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (!originHeader || !hostHeader) return false
  return originHeader.toLowerCase() === `http://${hostHeader.toLowerCase()}`
}
