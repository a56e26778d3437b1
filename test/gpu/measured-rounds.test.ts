import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUnit } from '../../src/bench/local-unit.js';
import { type MeasuredRunOptions, measuredRun, type ProgressEvent } from '../../src/bench/measured-run.js';
import { UnitExecutor } from '../../src/bench/unit-executor.js';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { naiveKernel } from '../../src/kernels/naive.js';
import { loadWorkload } from '../../src/workload/load.js';
import { makeModel } from '../helpers/sim-model.js';

/**
 * The measured run's rounds on the real adapter, tiny: how they end (stop.reason), what the
 * progress events say (the round and the policy of every step), and that every figure has an
 * interval.
 */
const model = makeModel(
  [
    { id: 'slow', count: 8, a: 0.2, c: 1, cap: 64 },
    { id: 'fast', count: 8, a: 0.2, c: 0.5, cap: 64 },
  ],
  { globalBatch: 64, allReduceS: 1, overlap: 0.5 },
);
let gpu: Gpu;
let executor: UnitExecutor;

beforeAll(async () => {
  gpu = await openGpu();
  executor = await UnitExecutor.create(gpu, localUnit(loadWorkload('8b'), 16), async () => naiveKernel);
});
afterAll(() => {
  executor?.destroy();
  if (gpu) closeGpu(gpu);
});

const base: MeasuredRunOptions = {
  model,
  policies: ['lockstep', 'proportional-spec', 'minmax'],
  steps: 3,
  seed: 1,
  stepBudgetS: 0.005,
  minRefUnits: 4,
  jitter: { cv: 0.02 },
  pilotSteps: 2,
  ciResamples: 50,
};

describe('measured rounds', () => {
  it('a fixed run ends on its round count; progress names each round and policy; every figure has an interval', async () => {
    const events: ProgressEvent[] = [];
    const r = await measuredRun(gpu, executor, { ...base, onProgress: (e) => events.push(e) });
    expect(r.stop.reason).toBe('rounds');
    expect(r.stop.rounds).toBe(3);
    const steps = events.filter((e) => e.phase === 'policy');
    expect(steps.map((e) => [e.round, e.policyIndex, e.policy])).toEqual(
      [0, 1, 2].flatMap((round) => [
        [round, 0, 'lockstep'],
        [round, 1, 'proportional-spec'],
        [round, 2, 'minmax'],
      ]),
    );
    expect(steps.every((e) => e.policies === 3 && e.minRounds === 3 && e.maxRounds === 3)).toBe(true);
    for (const p of r.policies) {
      expect(p.steps).toHaveLength(3);
      for (const [lo, hi] of Object.values(p.measured.ci)) expect(lo).toBeLessThanOrEqual(hi);
    }
    expect(['affine', 'proportional']).toContain(r.calibration.fit.shape);
  });

  it('ends on the time budget once the minimum is done', async () => {
    const r = await measuredRun(gpu, executor, { ...base, steps: 2, maxTimeS: 0.001 });
    expect(r.stop).toMatchObject({ reason: 'time', rounds: 2 });
  });

  it('ends on the target when the intervals are already within it', async () => {
    const r = await measuredRun(gpu, executor, { ...base, targetCi: 0.99 });
    expect(r.stop).toMatchObject({ reason: 'target', rounds: 3 });
  });

  it('runs on past the minimum toward an unreachable target until the round limit', async () => {
    const events: ProgressEvent[] = [];
    const r = await measuredRun(gpu, executor, {
      ...base,
      steps: 2,
      targetCi: 1e-12,
      maxRounds: 4,
      onProgress: (e) => events.push(e),
    });
    expect(r.stop).toMatchObject({ reason: 'rounds', rounds: 4 });
    expect(r.policies.every((p) => p.steps.length === 4)).toBe(true);
    expect(events.filter((e) => e.phase === 'policy').map((e) => e.round)).toEqual([
      0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3,
    ]);
  });
});
