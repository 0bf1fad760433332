/**
 * Whether two addresses name the same server: the loopback names (localhost, 127.0.0.1, [::1]) are one machine,
 * and case, a default port and trailing slashes do not matter. Used wherever an address typed, discovered,
 * saved or recorded is matched against another (the sandbox, the local TuFT server, a run's server). Pure.
 */
export function sameServer(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && serverKey(a) === serverKey(b)
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]']

/** The address reduced to what tells servers apart. */
export function serverKey(u: string): string {
  try {
    const x = new URL(u.trim())
    const host = LOOPBACK.includes(x.hostname) ? 'loopback' : x.hostname.toLowerCase()
    return `${x.protocol}//${host}:${x.port || (x.protocol === 'https:' ? '443' : '80')}${x.pathname.replace(/\/+$/, '')}`
  } catch {
    return u.trim().replace(/\/+$/, '').toLowerCase()
  }
}

/** A server on this machine. */
export function isLoopback(u: string): boolean {
  try {
    return LOOPBACK.includes(new URL(u).hostname)
  } catch {
    return false
  }
}
