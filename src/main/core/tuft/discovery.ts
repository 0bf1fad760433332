import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TUFT_DEFAULT_URL } from '../../../shared/defaults'
import { TuftError } from './errors'

export type ServerSource = 'explicit' | 'TUFT_ADDRESS' | 'TINKER_BASE_URL' | 'address-file' | 'default'
export type DiscoveredServer = { url: string; source: ServerSource }
export type Env = Record<string, string | undefined>

/**
 * Normalises a base URL: adds `http://` to a bare `host:port`, keeps a path prefix (the SDK joins endpoint
 * paths onto it), and drops trailing slashes so joining never yields `//api`.
 */
export const normalizeBaseUrl = (raw: string, source: ServerSource = 'explicit'): string => {
  const trimmed = raw.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`
  let u: URL
  try {
    u = new URL(withScheme)
  } catch {
    throw new TuftError('invalid-input', `Not a valid server address (${source}): "${trimmed}"`, { source })
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new TuftError('invalid-input', `Server address must be http(s) (${source}): "${trimmed}"`, { source })
  u.search = ''
  u.hash = ''
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`
}

/** Joins an endpoint path such as `/api/v1/healthz` onto a normalised base URL (prefix kept). */
export const endpointUrl = (baseUrl: string, endpoint: string, query?: Record<string, string | number>): string => {
  const url = `${baseUrl}/${endpoint.replace(/^\/+/, '')}`
  if (!query || Object.keys(query).length === 0) return url
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))
  return `${url}?${qs.toString()}`
}

/**
 * TuFT's `tuft launch` records the running server in `$TUFT_HOME/tuft_current_server` (TUFT_HOME defaults
 * to ~/.tuft). The file is read leniently: a bare URL or host:port on the first line, or JSON with an
 * address/url field.
 */
const readAddressFile = (file: string): string | null => {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const trimmed = text.trim()
  if (!trimmed) return null
  if (trimmed.startsWith('{')) {
    try {
      const o = JSON.parse(trimmed) as Record<string, unknown>
      for (const k of ['address', 'url', 'base_url']) if (typeof o[k] === 'string' && o[k]) return o[k] as string
    } catch {
      return null
    }
    return null
  }
  return trimmed.split(/\r?\n/)[0].trim() || null
}

export const addressFilePath = (env: Env = process.env, homeDir: string = os.homedir()): string =>
  path.join(env.TUFT_HOME?.trim() || path.join(homeDir, '.tuft'), 'tuft_current_server')

/**
 * Server discovery in TuFT's own order: explicit → TUFT_ADDRESS → TINKER_BASE_URL → address file →
 * default. Empty values count as unset, as in the SDK.
 */
export const discoverServer = (
  explicitUrl?: string | null,
  env: Env = process.env,
  homeDir: string = os.homedir(),
): DiscoveredServer => {
  if (explicitUrl?.trim()) return { url: normalizeBaseUrl(explicitUrl, 'explicit'), source: 'explicit' }
  for (const name of ['TUFT_ADDRESS', 'TINKER_BASE_URL'] as const) {
    const v = env[name]?.trim()
    if (v) return { url: normalizeBaseUrl(v, name), source: name }
  }
  const fromFile = readAddressFile(addressFilePath(env, homeDir))
  if (fromFile) return { url: normalizeBaseUrl(fromFile, 'address-file'), source: 'address-file' }
  return { url: normalizeBaseUrl(TUFT_DEFAULT_URL, 'default'), source: 'default' }
}
