/**
 * Hub traffic through the proxy the environment names. Node's own fetch ignores HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY, so behind a corporate proxy every download would fail as "unreachable"; undici's
 * EnvHttpProxyAgent applies them exactly as curl and huggingface_hub do (HTTPS_PROXY for https:// URLs,
 * HTTP_PROXY for http://, NO_PROXY hosts reached directly, lower-case names too). Only hub and mirror requests
 * go through here: TuFT servers are usually on the local network, where a proxy would be in the way.
 */
import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici'

type ProxyEnv = { httpProxy?: string; httpsProxy?: string; noProxy?: string }

const read = (env: NodeJS.ProcessEnv, name: string): string | undefined => (env[name.toLowerCase()] ?? env[name])?.trim() || undefined

function proxyEnv(env: NodeJS.ProcessEnv): ProxyEnv {
  return { httpProxy: read(env, 'HTTP_PROXY'), httpsProxy: read(env, 'HTTPS_PROXY'), noProxy: read(env, 'NO_PROXY') }
}

let cached: { key: string; agent: Dispatcher } | null = null

/** The dispatcher for the proxy settings in `env`, or undefined when none is set (then plain fetch is used). */
function dispatcherFor(env: NodeJS.ProcessEnv): Dispatcher | undefined {
  const p = proxyEnv(env)
  if (!p.httpProxy && !p.httpsProxy) return undefined
  const key = JSON.stringify(p)
  if (cached?.key !== key) {
    void cached?.agent.close().catch(() => undefined)
    // Passed explicitly (empty string = none), so the agent never falls back to another copy of the environment.
    cached = { key, agent: new EnvHttpProxyAgent({ httpProxy: p.httpProxy ?? '', httpsProxy: p.httpsProxy ?? p.httpProxy ?? '', noProxy: p.noProxy ?? '' }) }
  }
  return cached.agent
}

/** fetch for hub and mirror URLs: through the environment's proxy when one is set. */
export function makeProxiedFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch {
  return (input, init) => {
    const dispatcher = dispatcherFor(env)
    if (!dispatcher) return fetch(input, init)
    // undici's fetch is the one Node's own is built from; its Response has the same shape.
    return undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>
  }
}

/** The process-wide hub fetch (reads the environment on every call, so a changed variable applies at once). */
export const proxiedFetch: typeof fetch = (input, init) => makeProxiedFetch(process.env)(input, init)

/**
 * The proxy a request to `url` goes through, for hints ("through http://proxy:3128 (HTTPS_PROXY)"), with any
 * user name and password left out; null when it goes direct. NO_PROXY is read as undici reads it: a
 * comma- or space-separated list of hosts, `.suffix` or `*.suffix` domains, optional `:port`, or `*`.
 */
export function proxyFor(url: string, env: NodeJS.ProcessEnv = process.env): { url: string; variable: 'HTTPS_PROXY' | 'HTTP_PROXY' } | null {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return null
  }
  const p = proxyEnv(env)
  const https = target.protocol === 'https:'
  const chosen = https ? (p.httpsProxy ? { raw: p.httpsProxy, variable: 'HTTPS_PROXY' as const } : p.httpProxy ? { raw: p.httpProxy, variable: 'HTTP_PROXY' as const } : null) : p.httpProxy ? { raw: p.httpProxy, variable: 'HTTP_PROXY' as const } : null
  if (!chosen || bypassed(target, p.noProxy)) return null
  try {
    const u = new URL(chosen.raw)
    return { url: `${u.protocol}//${u.host}`, variable: chosen.variable }
  } catch {
    return { url: '(unparsable proxy address)', variable: chosen.variable }
  }
}

function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false
  if (noProxy === '*') return true
  // As undici compares: the host with IPv6 brackets kept, the URL's port or the scheme's default.
  const host = target.host.replace(/:\d*$/, '').toLowerCase()
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80)
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue
    const m = /^(.+):(\d+)$/.exec(entry)
    const name = (m ? m[1] : entry).replace(/^\*?\./, '').toLowerCase()
    if (m && Number(m[2]) !== port) continue
    if (host === name || host.endsWith(`.${name}`)) return true
  }
  return false
}
