import { seededRng } from '../../src/stats/rng.js';

/** The project's seeded generator as a plain uniform [0, 1) function, so a failing case replays from its seed. */
export function seededRandom(seed: number): () => number {
  const rng = seededRng(seed);
  return () => rng.uniform();
}

/** Standard normal draw (Box-Muller, one variate per two uniforms), for synthetic noise in fixtures. */
export function normal(rng: () => number): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
