import { describe, expect, it } from 'vitest';
import { expectedMaxOfNormals, type JitterModel, sampleMax, tailFactor } from '../src/sim/order-stats.js';
import { createRng } from '../src/stats/rng.js';

describe('expected maximum of n iid draws', () => {
  // Exact values of E[max of n standard normals] (tables of normal order statistics).
  it.each([
    [1, 0],
    [2, 1 / Math.sqrt(Math.PI)],
    [3, 1.5 / Math.sqrt(Math.PI)],
    [5, 1.16296447],
    [10, 1.53875273],
    [100, 2.50758681],
  ])('normal, n = %i', (n, exact) => {
    // erfc is good to ~1e-7 relative, which leaves ~1e-5 on the expectation.
    expect(expectedMaxOfNormals(n)).toBeCloseTo(exact, 4);
  });

  it.each([
    [{ kind: 'normal', cv: 0.05 } as JitterModel, 1000],
    [{ kind: 'lognormal', cv: 0.1 } as JitterModel, 5000],
    [{ kind: 'lognormal', cv: 0.03 } as JitterModel, 150_000],
  ])('one O(1) draw of the max matches the quadrature mean (%o, n = %i)', (jitter, n) => {
    const rng = createRng(7);
    let s = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) s += sampleMax(n, jitter, rng);
    expect(s / draws).toBeCloseTo(tailFactor(n, jitter), 3);
  });

  it('a direct max over n draws agrees with the order-statistic draw (lognormal, n = 64)', () => {
    const jitter: JitterModel = { kind: 'lognormal', cv: 0.1 };
    const sigma = Math.sqrt(Math.log1p(0.01));
    const rng = createRng(3);
    let brute = 0;
    const reps = 4000;
    for (let r = 0; r < reps; r++) {
      let m = 0;
      for (let i = 0; i < 64; i++) m = Math.max(m, Math.exp(sigma * rng.normal() - (sigma * sigma) / 2));
      brute += m;
    }
    expect(brute / reps).toBeCloseTo(tailFactor(64, jitter), 2);
  });

  it('empirical: exact bootstrap expectation for n <= number of samples', () => {
    const samples = [1, 2, 3, 4];
    const jitter: JitterModel = { kind: 'empirical', samples };
    // Normalised to mean 1: values 0.4, 0.8, 1.2, 1.6; E[max of 2] by enumeration of 16 pairs.
    let e = 0;
    for (const a of samples) for (const b of samples) e += Math.max(a, b) / 2.5 / 16;
    expect(tailFactor(2, jitter)).toBeCloseTo(e, 12);
    expect(tailFactor(1, jitter)).toBeCloseTo(1, 12);
  });

  it('empirical: the fitted exponential tail keeps growing beyond the largest sample', () => {
    const rng = createRng(11);
    const samples = Array.from({ length: 1000 }, () => 1 + 0.05 * rng.normal());
    const jitter: JitterModel = { kind: 'empirical', samples };
    const largest = Math.max(...samples) / (samples.reduce((a, b) => a + b, 0) / samples.length);
    const t1k = tailFactor(1_000, jitter);
    const t100k = tailFactor(100_000, jitter);
    expect(t100k).toBeGreaterThan(largest);
    expect(t100k).toBeGreaterThan(t1k);
    // Same order as the normal it came from (1 + 0.05 * 4.5 at n = 1e5).
    expect(t100k).toBeGreaterThan(1.15);
    expect(t100k).toBeLessThan(1.35);
  });

  it.each(['normal', 'lognormal'] as const)('%s tail grows with n and is 1 without jitter', (kind) => {
    const ns = [1, 8, 1_000, 150_000, 1_000_000];
    const f = ns.map((n) => tailFactor(n, { kind, cv: 0.05 }));
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeGreaterThan(f[i - 1] ?? Infinity);
    expect(f[0]).toBeCloseTo(1, 6);
    expect(tailFactor(1_000_000, { kind: 'none' })).toBe(1);
  });
});
