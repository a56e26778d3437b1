/**
 * Small seeded PRNG (mulberry32) for the report's statistics. Compare must give the same
 * verdict every time it is run on the same two files, so nothing here uses Math.random().
 */
export type Rng = () => number;

export { mulberry32 } from '../rng.js';

/** FNV-1a of a string: a stable per-metric seed, so adding a metric does not shift the others' resamples. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
