/**
 * Seeded, deterministic random numbers for the simulator. mulberry32 is tiny, fast and passes
 * the statistical checks that matter for Monte Carlo step jitter; determinism across platforms
 * comes from doing all state arithmetic in 32-bit integers (Math.imul, >>> 0).
 */
import { mulberry32U32 } from '../rng.js';

export interface Rng {
  /** Uniform in the open interval (0, 1): never 0, so log(u) is always finite. */
  next(): number;
  /** Standard normal (Box-Muller; the second variate is cached). */
  normal(): number;
}

export function createRng(seed: number): Rng {
  // Mix the seed once (splitmix-style) so that seeds 1, 2, 3 start far apart.
  const nextU32 = mulberry32U32(mix32(Math.trunc(seed) >>> 0));
  let spare: number | null = null;
  const next = (): number => (nextU32() + 0.5) / 4294967296;
  return {
    next,
    normal(): number {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      const r = Math.sqrt(-2 * Math.log(next()));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
  };
}

/** Derives an independent stream's seed from a base seed and a stream index. */
export function deriveSeed(seed: number, stream: number): number {
  return mix32((Math.trunc(seed) >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9));
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
