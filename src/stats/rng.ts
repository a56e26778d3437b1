/**
 * The one seeded generator behind every random number hetbench draws (test matrices,
 * simulator jitter, bootstrap resamples): mulberry32, so results replay from a seed on every
 * platform. All state arithmetic is 32-bit integer (Math.imul, >>> 0). mulberry32 is tiny,
 * fast and passes the statistical checks that matter for Monte Carlo step jitter.
 */
export interface Rng {
  /** Uniform in [0, 1): u32 / 2^32 (indices, matrices). */
  uniform(): number;
  /** Uniform in the open interval (0, 1): (u32 + 0.5) / 2^32, never 0, so log(u) is always finite. */
  open(): number;
  /** Standard normal (Box-Muller on open(); the second variate is cached). */
  normal(): number;
}

const TWO_32 = 4294967296;

/**
 * A generator started exactly at `seed` (no mixing): the stream test matrices and the
 * bootstrap have always used, so their figures replay across versions.
 */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const nextU32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  let spare: number | null = null;
  const open = (): number => (nextU32() + 0.5) / TWO_32;
  return {
    uniform: () => nextU32() / TWO_32,
    open,
    normal(): number {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      const r = Math.sqrt(-2 * Math.log(open()));
      const theta = 2 * Math.PI * open();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
  };
}

/** A generator whose seed is mixed first (splitmix-style), so that seeds 1, 2, 3 start far apart. */
export function createRng(seed: number): Rng {
  return seededRng(mix32(Math.trunc(seed) >>> 0));
}

/** Derives an independent stream's seed from a base seed and a stream index. */
export function deriveSeed(seed: number, stream: number): number {
  return mix32((Math.trunc(seed) >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9));
}

/** FNV-1a of a string: a stable per-key seed, so adding a metric does not shift the others' resamples. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
