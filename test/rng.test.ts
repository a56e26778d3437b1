import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../src/stats/rng.js';

describe('seeded RNG', () => {
  it('repeats exactly for a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 100 }, () => a.open());
    const xb = Array.from({ length: 100 }, () => b.open());
    const xc = Array.from({ length: 100 }, () => c.open());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
  });

  it('draws uniforms strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
    const r = createRng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.open();
      expect(u > 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('draws standard normals', () => {
    const r = createRng(2);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let above2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (z > 2) above2++;
    }
    expect(s / n).toBeCloseTo(0, 2);
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(above2 / n).toBeCloseTo(0.02275, 2);
  });
});
