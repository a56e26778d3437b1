/** The project's seeded PRNG, so a failing fuzz case can be replayed from its seed. */
export { mulberry32 as seededRandom } from '../../src/rng.js';

/** Standard normal draw (Box-Muller, one variate per two uniforms), for synthetic noise in fixtures. */
export function normal(rng: () => number): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
