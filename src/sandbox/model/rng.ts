/**
 * Seeded randomness for the sandbox model. Everything the sandbox draws (base weights, LoRA init, sampling)
 * comes from here so a run is reproducible from its seed alone.
 */
import { seededRandom } from '../../shared/seeded-random'

export type Rng = { next: () => number; normal: () => number }

/** mulberry32 on a 32-bit seed mixed with a stream name, so independent tensors get independent streams. */
export function createRng(seed: number, stream = ''): Rng {
  let s = (seed >>> 0) ^ 0x9e3779b9
  for (let i = 0; i < stream.length; i++) s = Math.imul(s ^ stream.charCodeAt(i), 0x85ebca6b) >>> 0
  const next = seededRandom(s)
  let spare: number | null = null
  const normal = (): number => {
    if (spare !== null) {
      const v = spare
      spare = null
      return v
    }
    let u = 0
    while (u === 0) u = next()
    const v = next()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  return { next, normal }
}
