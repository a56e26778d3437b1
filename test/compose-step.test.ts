import { describe, expect, it } from 'vitest';
import { barrierSync, getPolicy, lockstepAllocation, stepSync } from '../src/policy/index.js';
import { composeStep } from '../src/sim/compose.js';
import { makeModel } from './helpers/sim-model.js';

describe('step composition', () => {
  const model = makeModel(
    [
      { id: 'slow', count: 2, a: 0, c: 1, cap: 10, peakTflops: 100 },
      { id: 'fast', count: 2, a: 0, c: 0.5, cap: 10, peakTflops: 200 },
    ],
    { globalBatch: 8, allReduceS: 2, overlap: 0.5 },
  );

  it('step = slowest class + exposed all-reduce; busy, loss, tokens/s and MFU by definition', () => {
    const c = composeStep(model, barrierSync(model), { allocation: [4, 4], slowestS: [2, 1], meanS: [2, 1] });
    expect(c.stepS).toBe(3);
    expect(c.busy).toEqual([2 / 3, 1 / 3]);
    expect(c.stragglerLoss).toBeCloseTo(1 - (2 * 2 + 2 * 1) / (4 * 3), 14);
    expect(c.tokensPerS).toBeCloseTo((8 * 1024) / 3, 9);
    expect(c.mfu).toBeCloseTo((8 * 6e9 * 1024) / 3 / (2 * 100e12 + 2 * 200e12), 14);
  });

  it('lockstep spreads a remainder one per GPU in rank order', () => {
    const m = makeModel(
      [
        { id: 'a', count: 3, a: 0, c: 1, cap: 5 },
        { id: 'b', count: 3, a: 0, c: 1, cap: 5 },
      ],
      { globalBatch: 16 },
    );
    expect(lockstepAllocation(m)).toEqual([9, 7]);
  });

  it('islands add throughput without a cross-class barrier', () => {
    const sync = stepSync(getPolicy('islands'), model, [1, 1]);
    const c = composeStep(model, sync, { allocation: [4, 4], slowestS: [2, 1], meanS: [2, 1] });
    expect(c.islands?.stepS).toEqual([2.5, 1.5]);
    expect(c.tokensPerS).toBeCloseTo((4 / 2.5 + 4 / 1.5) * 1024, 9);
    expect(c.stepS).toBeCloseTo(8 / (4 / 2.5 + 4 / 1.5), 12);
  });
});
