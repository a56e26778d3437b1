import { describe, expect, it } from 'vitest';
import { budgetCheck, widestClassRatioHalfWidth } from '../src/bench/class-resolution.js';
import { ADAPTIVE_DEFAULTS } from '../src/bench/measured-run.js';
import { DEFAULT_NOISE, syntheticRun } from './helpers/synthetic-rounds.js';

/*
 * A default run past its 40 s budget goes on, up to 120 s, while a generation's compute ratio is
 * unresolved (bench/class-resolution.ts): the stopping arithmetic, and the half-width it reads.
 */
const resolve = ADAPTIVE_DEFAULTS.full.resolveClasses;

describe('the budget check after a round', () => {
  const never = () => {
    throw new Error('the class ratios must not be composed within the budget');
  };
  it('within the budget: no look at the class ratios', () => {
    expect(budgetCheck(30, 3, 40, resolve, never)).toBe('within');
  });
  it('past the budget with no resolution asked (a given --max-time): stop', () => {
    expect(budgetCheck(38, 3, 40, undefined, never)).toBe('stop');
  });
  it('past the budget: go on while a class ratio is wider than the resolution, stop once it is not', () => {
    expect(budgetCheck(38, 3, 40, resolve, () => 0.06)).toBe('extend');
    expect(budgetCheck(38, 3, 40, resolve, () => 0.02)).toBe('stop');
    expect(budgetCheck(38, 3, 40, resolve, () => resolve.halfWidth)).toBe('stop');
  });
  it('the hard limit ends it whatever the ratios say (a round that would end past it counts)', () => {
    expect(budgetCheck(118, 3, 40, resolve, never)).toBe('stop');
    expect(budgetCheck(110, 3, 40, resolve, () => 0.5)).toBe('extend');
  });
  it('no budget at all (exactly --steps rounds): always within', () => {
    expect(budgetCheck(1e6, 3, undefined, resolve, never)).toBe('within');
  });
});

describe("the widest class ratio's half-width", () => {
  const noisy = { ...DEFAULT_NOISE, passCv: 0.2, roundCv: 0.1 };
  it('narrows with rounds, about as 1 / sqrt(rounds)', () => {
    const short = widestClassRatioHalfWidth(syntheticRun(12, 5, noisy));
    const long = widestClassRatioHalfWidth(syntheticRun(108, 5, noisy));
    expect(short).toBeGreaterThan(0);
    expect(long).toBeLessThan(short / 2);
    expect(long).toBeGreaterThan(short / 6);
  });
  it('is 0 for a quiet device (nothing to resolve) and finite for a noisy one', () => {
    expect(widestClassRatioHalfWidth(syntheticRun(12, 5, { ...DEFAULT_NOISE, passCv: 0, roundCv: 0 }))).toBeLessThan(
      1e-9,
    );
    expect(Number.isFinite(widestClassRatioHalfWidth(syntheticRun(12, 5, noisy)))).toBe(true);
  });
});
