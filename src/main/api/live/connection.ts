import type { DiscoveredServer } from '../../../shared/contract'
import { ok, type Result } from '../../../shared/result'
import { createTuftClient, discoverServer } from '../../core/tuft'
import { SANDBOX_MODEL, SANDBOX_TOKENIZER_ID } from '../../../sandbox'
import type { ConnectionFacts } from '../core'

/** "Test connection" answers in seconds: two quick attempts, not the training loop's minute of retries. */
const TEST_RETRY = { maxAttempts: 2, baseDelayMs: 300, maxDelayMs: 1000 }
const TEST_TIMEOUT_MS = 10_000

export function discoverServers(env: NodeJS.ProcessEnv): DiscoveredServer[] {
  return [discoverServer(undefined, env)]
}

export async function checkConnection(server: { url?: string; apiKey?: string }, env: NodeJS.ProcessEnv): Promise<Result<ConnectionFacts>> {
  const client = createTuftClient({ url: server.url, apiKey: server.apiKey, env, retry: TEST_RETRY, requestTimeoutMs: TEST_TIMEOUT_MS })
  try {
    const r = await client.checkConnection()
    if (!r.ok) return r
    return ok({
      url: r.value.server.url,
      source: r.value.server.source,
      latencyMs: r.value.health.latencyMs,
      // The sandbox model speaks the Qwen3 vocabulary: name its tokenizer so the wizard can preview masks with it.
      capabilities: { supported_models: r.value.capabilities.supported_models.map((m) => (m.model_name === SANDBOX_MODEL ? { ...m, tokenizer_id: SANDBOX_TOKENIZER_ID } : { ...m })) },
      keySource: r.value.keySource,
    })
  } finally {
    client.close()
  }
}
