/** The project's seeded PRNG, so a failing fuzz case can be replayed from its seed. */
export { mulberry32 as seededRandom } from '../../src/rng.js';
