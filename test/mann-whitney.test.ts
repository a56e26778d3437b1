import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../src/stats/mann-whitney.js';

// Reference p-values are the textbook exact/normal results (scipy.stats.mannwhitneyu,
// alternative='two-sided', method='exact' or 'asymptotic' with continuity correction).
// 30 vs 40 draws (5% noise, head 3% slower), rounded; B40 has a tie (0.9476 twice), so the
// normal approximation with tie correction applies.
const A30 = [
  1.0173, 1.0411, 1.0165, 0.9348, 1.0453, 1.0223, 0.9732, 1.0291, 1.0182, 1.0147, 1.0014, 1.0273, 0.9632, 0.9919,
  0.9759, 1.0299, 1.002, 0.9854, 0.9609, 0.9871, 1.0004, 0.9862, 1.0647, 1.0503, 0.8644, 0.9055, 0.9913, 0.9789, 1.0107,
  1.0109,
];
const B40 = [
  1.1359, 0.9744, 1.0111, 1.1321, 1.0623, 1.0632, 1.0043, 0.9476, 1.0384, 1.0355, 0.9686, 0.9958, 1.0264, 0.9828,
  1.0251, 1.0348, 1.0318, 1.0047, 1.0597, 1.0746, 1.046, 0.9891, 1.0666, 1.0049, 1.074, 0.9764, 1.0757, 1.029, 0.9676,
  1.0143, 1.0327, 1.0436, 0.9809, 0.9746, 1.04, 1.0067, 1.0418, 1.068, 0.9476, 1.0427,
];

describe('Mann-Whitney U', () => {
  it.each([
    { a: [1, 2, 3, 4], b: [5, 6, 7, 8], u: 0, p: 2 / 70, method: 'exact' },
    { a: [5, 6, 7, 8], b: [1, 2, 3, 4], u: 16, p: 2 / 70, method: 'exact' },
    { a: [1, 2, 3], b: [4, 5, 6], u: 0, p: 0.1, method: 'exact' },
    { a: [1, 3, 5, 7], b: [2, 4, 6, 8], u: 6, p: 0.6857142857, method: 'exact' },
    { a: [1, 2, 2, 3], b: [2, 3, 4, 5], u: 2.5, p: 0.1366582477, method: 'normal' },
    { a: A30, b: B40, u: 393, p: 0.0142568605, method: 'normal' },
    { a: A30, b: B40.map((x, i) => (i === 38 ? 0.9477 : x)), u: 393, p: 0.0135909448, method: 'exact' },
  ])('U=$u, p=$p for $a vs $b', ({ a, b, u, p, method }) => {
    const r = mannWhitneyU(a, b);
    expect(r.u).toBeCloseTo(u, 9);
    expect(r.p).toBeCloseTo(p, 3);
    expect(r.method).toBe(method);
  });

  it('is symmetric: swapping the samples keeps p', () => {
    const a = [0.91, 1.02, 0.97, 1.1, 0.95, 1.04];
    const b = [1.08, 1.15, 1.01, 1.2, 1.12];
    expect(mannWhitneyU(a, b).p).toBeCloseTo(mannWhitneyU(b, a).p, 12);
  });

  it('ignores how far an outlier is: one huge value moves U by at most one rank', () => {
    const a = [1, 2, 3, 4, 5];
    expect(mannWhitneyU(a, [6, 7, 8, 9, 10]).p).toBe(mannWhitneyU(a, [6, 7, 8, 9, 1e9]).p);
  });

  it('gives p = 1 for empty samples', () => {
    expect(mannWhitneyU([], [1, 2]).p).toBe(1);
  });
});
