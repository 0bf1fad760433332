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

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * The Host header must name a loopback address (any port, so an SSH tunnel from another local port still
 * works): a page on another site that DNS-rebinds its name to 127.0.0.1 is refused.
 */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false
  const host = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]
  return LOOPBACK_HOSTS.has(host.toLowerCase())
}

/** A WebSocket must come from the page we served: its Origin must be this very host (blocks cross-site sockets). */
export function isSameOriginSocket(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (!originHeader || !hostHeader) return false
  return originHeader.toLowerCase() === `http://${hostHeader.toLowerCase()}`
}
