/**
 * mulberry32: the one seeded generator behind every random number hetbench draws (test
 * matrices, simulator jitter, bootstrap resamples), so results replay from a seed on every
 * platform. All state arithmetic is 32-bit integer (Math.imul, >>> 0).
 */
export function mulberry32U32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  const next = mulberry32U32(seed);
  return () => next() / 4294967296;
}
