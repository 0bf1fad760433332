import { describe, expect, it } from 'vitest'
import { StudioError } from '../../../shared/result'
import { HubAttempts } from './hub-attempts'

const down = (url: string) => () => Promise.reject(new StudioError('hf-unreachable', `Cannot reach ${url}`, { url }))
const detailsOf = async (p: Promise<unknown>): Promise<Record<string, unknown>> =>
  p.then(
    () => ({}),
    (e: StudioError) => e.details ?? {},
  )

describe('HubAttempts', () => {
  it('suggests the next mirror, never one that just failed, and none when all did', async () => {
    let now = 0
    const a = new HubAttempts({ TUFT_STUDIO_HF_MIRROR: 'http://mirror.corp/' }, () => now)
    expect(await detailsOf(a.track('https://huggingface.co', null, down('hf'), () => true))).toMatchObject({
      endpoint: 'https://huggingface.co',
      triedEndpoints: ['https://huggingface.co'],
      suggestedEndpoint: 'http://mirror.corp',
      proxy: null,
    })
    expect(await detailsOf(a.track('http://mirror.corp', { url: 'http://proxy:3128', variable: 'HTTPS_PROXY' }, down('corp'), () => true))).toMatchObject({
      triedEndpoints: ['https://huggingface.co', 'http://mirror.corp'],
      suggestedEndpoint: 'https://hf-mirror.com',
      proxy: 'http://proxy:3128',
      proxyVariable: 'HTTPS_PROXY',
    })
    expect(await detailsOf(a.track('https://hf-mirror.com/', null, down('hfm'), () => true))).toMatchObject({ suggestedEndpoint: null })
    // An endpoint that answers is no longer counted as tried; an old failure is forgotten.
    await a.track('https://hf-mirror.com', null, async () => 'ok', () => true)
    expect(a.failedNow('http://other.mirror').suggestedEndpoint).toBe('https://hf-mirror.com')
    now += 60 * 60_000
    expect(a.failedNow('http://other.mirror').triedEndpoints).toEqual(['http://other.mirror'])
  })

  it('does not count a value from the local cache as the endpoint answering, and passes other failures through', async () => {
    const a = new HubAttempts({})
    await detailsOf(a.track('https://hf-mirror.com', null, down('x'), () => true))
    await a.track('https://hf-mirror.com', null, async () => ({ fromCache: true }), (r) => !r.fromCache)
    expect(a.failedNow('https://huggingface.co').suggestedEndpoint).toBeNull()
    const other = await a.track('https://huggingface.co', null, () => Promise.reject(new StudioError('hf-not-found', 'no such repo')), () => true).catch((e: StudioError) => e)
    expect(other).toMatchObject({ code: 'hf-not-found' })
    expect((other as StudioError).details).toBeUndefined()
  })
})
