import { describe, expect, it } from 'vitest';
import { checkStopOptions } from '../src/bench/measured-run.js';
import { UsageError } from '../src/errors.js';

describe("measuredRun's stopping options", () => {
  it.each([
    [{ targetCi: 0 }, 'targetCi'],
    [{ targetCi: -0.02 }, 'targetCi'],
    [{ targetCi: 1 }, 'targetCi'],
    [{ targetCi: Number.NaN }, 'targetCi'],
    [{ maxTimeS: 0 }, 'maxTimeS'],
    [{ maxTimeS: Number.POSITIVE_INFINITY }, 'maxTimeS'],
    [{ maxRounds: 2.5 }, 'maxRounds'],
    [{ maxRounds: 0 }, 'maxRounds'],
  ])('%o is bad input naming %s', (options, field) => {
    let caught: unknown;
    try {
      checkStopOptions(options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).field).toBe(field);
  });

  it('accepts a target, a budget and a round limit', () => {
    expect(() => checkStopOptions({ targetCi: 0.02, maxTimeS: 40, maxRounds: 64 })).not.toThrow();
    expect(() => checkStopOptions({})).not.toThrow();
  });
});
