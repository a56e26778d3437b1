import { seededRng } from '../stats/rng.js';

/** Seeded uniform values in [-1, 1) for matmul inputs: the same seed gives the same matrix everywhere. */
export function randomMatrix(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  const rng = seededRng(seed);
  for (let i = 0; i < length; i++) out[i] = rng.uniform() * 2 - 1;
  return out;
}
