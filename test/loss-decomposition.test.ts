import { describe, expect, it } from 'vitest';
import { accumulatedCurve } from '../src/model/compute-curve.js';
import { lockstepAllocation, minmaxAllocation } from '../src/policy/index.js';
import { fixedDraws } from '../src/sim/draws.js';
import { decomposeLoss, simulate } from '../src/sim/simulate.js';
import { colossusLike, makeModel } from './helpers/sim-model.js';

const lab = makeModel(
  [
    { id: 'old', count: 8, a: 0.1, c: 1, cap: 4 },
    { id: 'new', count: 8, a: 0.05, c: 0.3, cap: 4 },
  ],
  { globalBatch: 48, allReduceS: 0.4, overlap: 0.25 },
);

describe('loss decomposition', () => {
  it.each([
    ['colossus-like', colossusLike(220_000), 0.03],
    ['lab with binding caps', lab, 0.05],
    ['lab without jitter', lab, 0],
  ] as const)("%s: the parts sum to the total, which is lockstep's simulated straggler loss", (_l, model, cv) => {
    const r = simulate(model, { policies: ['lockstep'], steps: 300, seed: 9, jitterCv: cv });
    const d = r.decomposition;
    expect(d.generationMix + d.memoryCaps + d.jitter + d.communication).toBeCloseTo(d.total, 14);
    expect(d.total).toBeCloseTo(r.policies[0]?.figures.stragglerLoss ?? NaN, 14);
    if (cv === 0) expect(d.jitter).toBeCloseTo(0, 14);
  });

  it('charges caps only when they stop the fast generation taking its balanced share', () => {
    const d = decomposeLoss(lab, lockstepAllocation(lab), fixedDraws([1, 1]));
    // Balanced, 'new' would take far more than its cap of 4 per GPU: caps cost something.
    expect(d.memoryCaps).toBeGreaterThan(0.01);
    const roomy = makeModel(
      [
        { id: 'old', count: 8, a: 0.1, c: 1, cap: 40 },
        { id: 'new', count: 8, a: 0.05, c: 0.3, cap: 40 },
      ],
      { globalBatch: 48 },
    );
    expect(decomposeLoss(roomy, lockstepAllocation(roomy), fixedDraws([1, 1])).memoryCaps).toBeCloseTo(0, 14);
  });

  it('has no communication part without an all-reduce, and no generation-mix part for minmax on a divisible homogeneous cluster', () => {
    const homo = makeModel([{ id: 'h', count: 16, a: 0.1, c: 1, cap: 8 }], { globalBatch: 64, allReduceS: 0 });
    const d = decomposeLoss(homo, minmaxAllocation(homo), fixedDraws([1.1]));
    expect(d.communication).toBeCloseTo(0, 14);
    expect(d.generationMix).toBeCloseTo(0, 14);
    expect(d.total).toBeCloseTo(1 - 1 / 1.1, 12);
  });

  it('measures what the micro-batch limit costs against the unlimited-memory model (hand computation)', () => {
    // One slow GPU, t = b; one fast GPU whose one-micro-batch curve is 0.2 + 0.5 b, but whose
    // micro-batches hold at most 2 sequences (accumulation pays the 0.2 per micro-batch).
    const single = (b: number): number => (b > 0 ? 0.2 + 0.5 * b : 0);
    const base = makeModel(
      [
        { id: 'slow', count: 1, a: 0, c: 1, cap: 100 },
        { id: 'fast', count: 1, a: 0.2, c: 0.5, cap: 128, timeS: accumulatedCurve(single, 0, 2) },
      ],
      { globalBatch: 30 },
    );
    const model = {
      ...base,
      classes: base.classes.map((c, i) => (i === 1 ? { ...c, microBatchCap: 2, singleMicroBatchTimeS: single } : c)),
    };
    // Unlimited: slow 10 (10 s) / fast 20 (10.2 s) is best (11 / 19 gives 11 s): L0 = 1 - 20.2 / 20.4.
    // Real: fast 20 = 10 micro-batches = 12 s; slow 11 / fast 19 (10 micro-batches: 2 + 9.5 = 11.5 s)
    // is best (12 / 18: 12 s): L1 = 1 - 22.5 / 23.
    const d = decomposeLoss(model, lockstepAllocation(model), fixedDraws([1, 1]));
    expect(d.memoryCaps).toBeCloseTo(0.5 / 23 - 0.2 / 20.4, 12);
  });
});
