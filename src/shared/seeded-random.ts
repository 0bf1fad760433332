/**
 * mulberry32: a tiny, fast, well-mixed 32-bit PRNG, the one seeded generator of the project — batch order and
 * held-out choice (the exported reproduction script re-implements it bit for bit), the sandbox model's weights and
 * sampling, and generated test cases. Pure: every side may import it.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
